"""Issue 11: letters claim what the law lets them claim.

- `Company.claim_late_paid_penalties`: whether letters claim the penalties and the 40 € of
  invoices settled after their due date (shown on the dossier either way).
- The default « Mise en demeure » no longer tells a professional debtor that it « fait courir
  les intérêts au taux légal » (L441-10 penalties already run): the sentence stays for consumers,
  who also read the legal interest due since an earlier mise en demeure. A company's copy is
  given the new text only while it is still the first default text, word for word (line endings
  aside): a template a manager changed is left as it is. Each copy updated gets a journal row.
"""

from django.db import migrations, models
from django.utils import timezone

CODE = "mise_en_demeure"
# The default body as created up to 0010, and the new one (domain.default_letters, frozen here).
OLD_BODY = (
    "{{ contact.civilite }} {{ contact.nom }},\n"
    "\n"
    "Par la présente, nous vous mettons en demeure de nous régler, dans un délai de {{ delai_jours }} jours à compter de la réception de ce courrier, la somme de **{{ total_reclame }}**, se décomposant ainsi :\n"
    "\n"
    "{{ echeances }}\n"
    "\n"
    "- principal restant dû : {{ total_du }} ;\n"
    "- [B2B: pénalités de retard (article L441-10 du Code de commerce, taux de {{ taux_penalites }}) : {{ penalites }} ;\n"
    "- indemnité forfaitaire pour frais de recouvrement (article D441-5) : {{ indemnite }} ;]\n"
    "\n"
    "Ces sommes sont dues malgré nos précédentes relances, restées sans effet. La présente mise en demeure fait courir les intérêts au taux légal sur les sommes restant dues.\n"
    "\n"
    "À défaut de paiement intégral dans le délai indiqué, nous saisirons la juridiction compétente, sans nouvel avis, afin d'obtenir le recouvrement de notre créance, les frais de procédure restant à votre charge dans les conditions prévues par la loi.\n"
    "\n"
    "Veuillez agréer, {{ contact.civilite }}, l'expression de nos salutations distinguées.\n"
)
NEW_BODY = (
    "{{ contact.civilite }} {{ contact.nom }},\n"
    "\n"
    "Par la présente, nous vous mettons en demeure de nous régler, dans un délai de {{ delai_jours }} jours à compter de la réception de ce courrier, la somme de **{{ total_reclame }}**, se décomposant ainsi :\n"
    "\n"
    "{{ echeances }}\n"
    "\n"
    "- principal restant dû : {{ total_du }} ;\n"
    "- [B2B: pénalités de retard (article L441-10 du Code de commerce, taux de {{ taux_penalites }}) : {{ penalites }} ;\n"
    "- indemnité forfaitaire pour frais de recouvrement (article D441-5) : {{ indemnite }} ;]\n"
    "- [B2C: intérêts au taux légal depuis la mise en demeure (taux de {{ taux_interets_legaux }}) : {{ interets_legaux }} ;]\n"
    "\n"
    "Ces sommes sont dues malgré nos précédentes relances, restées sans effet. [B2B: Les pénalités de retard continuent de courir jusqu'au complet paiement.][B2C: La présente mise en demeure fait courir les intérêts au taux légal sur les sommes restant dues.]\n"
    "\n"
    "À défaut de paiement intégral dans le délai indiqué, nous saisirons la juridiction compétente, sans nouvel avis, afin d'obtenir le recouvrement de notre créance, les frais de procédure restant à votre charge dans les conditions prévues par la loi.\n"
    "\n"
    "Veuillez agréer, {{ contact.civilite }}, l'expression de nos salutations distinguées.\n"
)


def _normalized(body: str) -> str:
    return body.replace("\r\n", "\n").strip()


def _replace(apps, before: str, after: str, message: str) -> None:
    template_model = apps.get_model("recouvrement", "LetterTemplate")
    journal_model = apps.get_model("recouvrement", "JournalEntry")
    now = timezone.now()
    for template in template_model.objects.filter(code=CODE):
        if _normalized(template.body) != _normalized(before):
            continue  # changed by the company: its wording is its own
        template.body = after
        template.save(update_fields=["body"])
        journal_model.objects.create(
            company_id=template.company_id,
            dossier=None,
            at=now,
            user=None,
            action="letter_template_updated",
            message=message.format(name=template.name)[:255],
        )


def forwards(apps, schema_editor):
    _replace(
        apps,
        OLD_BODY,
        NEW_BODY,
        "Modèle de courrier « {name} » mis à jour (texte par défaut) : la mise en demeure "
        "d'un professionnel ne mentionne plus les intérêts au taux légal.",
    )


def backwards(apps, schema_editor):
    _replace(
        apps,
        NEW_BODY,
        OLD_BODY,
        "Modèle de courrier « {name} » remis à son texte par défaut précédent.",
    )


class Migration(migrations.Migration):
    dependencies = [("recouvrement", "0010_company_siren_unique")]

    operations = [
        migrations.AddField(
            model_name="company",
            name="claim_late_paid_penalties",
            field=models.BooleanField(
                default=False, verbose_name="réclamer les pénalités des factures réglées en retard"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
