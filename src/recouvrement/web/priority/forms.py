"""The form of « Structure › Priorité suggérée »: the seven weights of the company."""

from django import forms

from recouvrement.domain.priority import WEIGHT_LABELS, PriorityWeights

LOWEST, HIGHEST = 0, 100
DEFAULTS = PriorityWeights().as_dict()
# What each weight weighs, in a line (domain.priority.PriorityWeights says it in full).
EXPLANATIONS = {
    "amount": "Le montant dû hors litige, sur une échelle logarithmique : 1 000 € comptent "
    "35 % du poids, 100 000 € et plus le poids entier.",
    "days_overdue": "Les jours de retard de l'échéance la plus ancienne encore due : le "
    "poids entier à 60 jours.",
    "broken_promises": "Les promesses de paiement non tenues : la première compte la moitié "
    "du poids, deux les deux tiers, trois les trois quarts…",
    "scenario_step": "L'avancement dans le scénario : étape réalisée sur nombre d'étapes.",
    "payment_history": "Le retard moyen de paiement du client sur ses échéances réglées "
    "depuis 12 mois : le poids entier à 60 jours ; sans historique, rien.",
    "last_contact": "Le temps depuis le dernier contact (action réalisée ou promesse "
    "reçue) : le poids entier à 30 jours ou jamais contacté.",
    "disputes": "Pas un facteur : le pourcentage retiré du score quand tout le solde est en "
    "litige (la moitié quand la moitié l'est…).",
}


class WeightsForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, label in WEIGHT_LABELS.items():
            self.fields[name] = forms.IntegerField(
                label=label,
                min_value=LOWEST,
                max_value=HIGHEST,
                help_text=f"{EXPLANATIONS[name]} Par défaut : {DEFAULTS[name]}.",
                error_messages={
                    "required": f"Saisissez le poids « {label} » (de {LOWEST} à {HIGHEST}).",
                    "invalid": f"Le poids « {label} » doit être un nombre entier.",
                    "min_value": f"Le poids « {label} » ne peut pas être négatif.",
                    "max_value": f"Le poids « {label} » ne peut pas dépasser {HIGHEST}.",
                },
                widget=forms.NumberInput(attrs={"min": LOWEST, "max": HIGHEST, "step": 1}),
            )

    def weights(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in WEIGHT_LABELS}

    def error_lines(self) -> list[str]:
        return [error for field in self for error in field.errors]
