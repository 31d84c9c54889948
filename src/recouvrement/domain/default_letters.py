"""The default « Modèles de courrier »: the wording of LETTERS.md, word for word.

The mise en demeure differs from LETTERS.md's first wording (issue 11): a professional debtor
does not read « fait courir les intérêts au taux légal » (L441-10 penalties run from the due
date), a consumer does, and reads the legal interest due since an earlier mise en demeure.
Migration 0012 gives the new text to the companies whose copy is still the first one.
"""

from dataclasses import dataclass

from recouvrement.domain.letter_templates import (
    EMAIL_VARIABLES,
    VARIABLES,
    LetterTemplateText,
    parse_template,
)


@dataclass(frozen=True)
class DefaultTemplate:
    code: str
    name: str
    subject: str
    body: str
    is_formal_notice: bool = False
    variables: tuple[str, ...] = VARIABLES

    def parsed(self) -> LetterTemplateText:
        return parse_template(self.subject, self.body, self.variables)


_SALUTATION = "{{ contact.civilite }} {{ contact.nom }},"
_TOTAL = "Total restant dû : **{{ total_du }}**."

DEFAULT_TEMPLATES: dict[str, DefaultTemplate] = {
    template.code: template
    for template in (
        DefaultTemplate(
            code="relance_courtoise",
            name="Relance courtoise",
            subject="Rappel — facture(s) arrivée(s) à échéance",
            body=f"""{_SALUTATION}

Sauf erreur de notre part, le règlement des factures ci-dessous, arrivées à échéance, ne nous \
est pas encore parvenu :

{{{{ echeances }}}}

{_TOTAL}

Il s'agit peut-être d'un simple oubli : nous vous remercions de bien vouloir procéder au \
règlement par virement sur le compte {{{{ societe.iban }}}} (BIC {{{{ societe.bic }}}}) en \
rappelant la référence {{{{ dossier.numero }}}}. Si votre paiement a été émis entre-temps, merci \
de ne pas tenir compte de ce message. En cas de désaccord sur l'une de ces factures, n'hésitez \
pas à nous le signaler afin que nous l'examinions rapidement.

Nous vous prions d'agréer, {{{{ contact.civilite }}}}, nos salutations distinguées.
""",
        ),
        DefaultTemplate(
            code="deuxieme_relance",
            name="Deuxième relance",
            subject="Deuxième relance — règlement en attente",
            body=f"""{_SALUTATION}

Malgré notre premier rappel, nous restons sans règlement des sommes suivantes :

{{{{ echeances }}}}

{_TOTAL}

[B2B: Nous vous rappelons que tout retard de paiement entraîne de plein droit, conformément à \
l'article L441-10 du Code de commerce, des pénalités de retard au taux de {{{{ taux_penalites }}}} \
l'an ainsi qu'une indemnité forfaitaire pour frais de recouvrement de 40 € par facture. À ce \
jour, ces sommes s'élèvent à {{{{ penalites }}}} de pénalités et {{{{ indemnite }}}} \
d'indemnités.]

Nous vous demandons de régulariser cette situation sous {{{{ delai_jours }}}} jours. Sans retour \
de votre part dans ce délai, nous serons contraints d'engager une procédure de recouvrement.

Veuillez agréer, {{{{ contact.civilite }}}}, nos salutations distinguées.
""",
        ),
        DefaultTemplate(
            code="mise_en_demeure",
            name="Mise en demeure",
            subject="Mise en demeure de payer — dossier {{ dossier.numero }}",
            is_formal_notice=True,
            body=f"""{_SALUTATION}

Par la présente, nous vous mettons en demeure de nous régler, dans un délai de \
{{{{ delai_jours }}}} jours à compter de la réception de ce courrier, la somme de \
**{{{{ total_reclame }}}}**, se décomposant ainsi :

{{{{ echeances }}}}

- principal restant dû : {{{{ total_du }}}} ;
- [B2B: pénalités de retard (article L441-10 du Code de commerce, taux de \
{{{{ taux_penalites }}}}) : {{{{ penalites }}}} ;
- indemnité forfaitaire pour frais de recouvrement (article D441-5) : {{{{ indemnite }}}} ;]
- [B2C: intérêts au taux légal depuis la mise en demeure (taux de \
{{{{ taux_interets_legaux }}}}) : {{{{ interets_legaux }}}} ;]

Ces sommes sont dues malgré nos précédentes relances, restées sans effet. [B2B: Les pénalités \
de retard continuent de courir jusqu'au complet paiement.][B2C: La présente mise en demeure \
fait courir les intérêts au taux légal sur les sommes restant dues.]

À défaut de paiement intégral dans le délai indiqué, nous saisirons la juridiction compétente, \
sans nouvel avis, afin d'obtenir le recouvrement de notre créance, les frais de procédure \
restant à votre charge dans les conditions prévues par la loi.

Veuillez agréer, {{{{ contact.civilite }}}}, l'expression de nos salutations distinguées.
""",
        ),
    )
}

DEFAULT_EMAIL = DefaultTemplate(
    code="courrier_par_email",
    name="E-mail d'envoi d'un courrier",
    subject="{{ objet_du_courrier }} — {{ societe.nom }}",
    variables=EMAIL_VARIABLES,
    body="""Bonjour,

Vous trouverez ci-joint notre courrier concernant le dossier {{ dossier.numero }} (total restant \
dû : {{ total_du }}). Pour toute question, répondez simplement à ce message.

Cordialement,
{{ signataire.nom }} — {{ signataire.fonction }}, {{ societe.nom }}
""",
)
