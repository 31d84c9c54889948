"""The typst parts of the « Dossier de preuve »: what the summary, the chronology, the
bordereau and the draft requête print (plain dicts for documents/templates/evidence.typ)."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from recouvrement.domain.court_route import CourtRoute
from recouvrement.domain.identity import format_siren
from recouvrement.domain.letters import short_date
from recouvrement.domain.money import format_amount
from recouvrement.domain.penalties import DossierPenalties
from recouvrement.domain.rates import format_rate

DRAFT = "PROJET À VÉRIFIER — document préparé automatiquement, à relire et compléter avant dépôt."


@dataclass(frozen=True)
class Party:
    name: str
    kind: str
    siren: str  # 9 digits (printed « 512 846 379 ») or already formatted; "" : to complete
    address: tuple[str, ...]

    def pairs(self) -> list[list[str]]:
        return [
            ["Dénomination / nom", self.name],
            ["Qualité", self.kind],
            ["SIREN", format_siren(self.siren) or "non renseigné — à compléter"],
            ["Adresse", ", ".join(line for line in self.address if line) or "à compléter"],
        ]


@dataclass(frozen=True)
class Claim:
    """The decomposed claim: what the summary and the requête print."""

    invoices: Decimal
    payments: Decimal
    penalties: DossierPenalties
    b2b: bool
    disputed: Decimal = Decimal("0.00")  # B10: open amounts in dispute, left out of the claim
    charged: Decimal = Decimal("0.00")  # the dossier page's « Frais et pénalités »

    @property
    def principal(self) -> Decimal:
        return self.invoices - self.payments - self.disputed

    @property
    def total(self) -> Decimal:
        return self.principal + self.penalties.total

    def rows(self) -> list[list[str]]:
        interest = (
            "Pénalités de retard (C. com. L441-10)"
            if self.b2b
            else "Intérêts au taux légal (C. civ. 1231-6)"
        )
        rows = [
            ["Factures (montant total des échéances)", format_amount(self.invoices)],
            ["Déduction des paiements reçus", "− " + format_amount(self.payments)],
            *(
                [["Montants en litige, hors demande", "− " + format_amount(self.disputed)]]
                if self.disputed
                else []
            ),
            ["Principal restant dû", format_amount(self.principal)],
            [interest, format_amount(self.penalties.penalties)],
        ]
        if self.b2b:
            rows.append(
                [
                    "Indemnités forfaitaires pour frais de recouvrement (40 € par facture, "
                    "C. com. L441-10 et D441-5)",
                    format_amount(self.penalties.indemnity),
                ]
            )
        rows.append(["Total réclamé", format_amount(self.total)])
        return rows

    def reconciliation(self, today: date) -> str:
        """How this claim meets the dossier page's « Solde » (which keeps the fees and the
        penalties as the last letter stated them)."""
        balance = self.invoices - self.payments + self.charged
        return (
            f"Rapprochement avec le dossier : solde affiché {format_amount(balance)} (restant dû "
            f"{format_amount(self.invoices - self.payments)} + frais et pénalités "
            f"{format_amount(self.charged)} arrêtés à la dernière relance). Ce décompte "
            f"recalcule les pénalités et indemnités au {short_date(today)} et ne reprend pas "
            "les frais de relance facturés au dossier."
        )

    def semesters(self) -> list[list[str]]:
        """Per semester and rate: the days and the interest (from the engine's periods)."""
        by_key: dict[tuple[date, Decimal], list] = {}
        for detail in self.penalties.details:
            for period in detail.interest.periods:
                half = 1 if period.start.month <= 6 else 2
                key = (date(period.start.year, 1 if half == 1 else 7, 1), period.rate)
                entry = by_key.setdefault(key, [0, Decimal("0")])
                entry[0] += period.days
                entry[1] += period.interest
        return [
            [
                f"{'1er' if start.month == 1 else '2nd'} semestre {start.year}",
                format_rate(rate),
                str(days),
                format_amount(interest.quantize(Decimal("0.01"))),
            ]
            for (start, rate), (days, interest) in sorted(by_key.items())
        ]


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def summary_part(
    *, number: str, creditor: Party, debtor: Party, claim: Claim, route: CourtRoute, today: date
) -> dict:
    blocks: list[dict] = [
        {"kind": "heading", "text": "Créancier"},
        {"kind": "pairs", "rows": creditor.pairs()},
        {"kind": "heading", "text": "Débiteur"},
        {"kind": "pairs", "rows": debtor.pairs()},
        {"kind": "heading", "text": f"Décompte de la créance au {short_date(today)}"},
        {
            "kind": "table",
            "columns": ["1fr", "auto"],
            "right": [1],
            "header": ["Élément", "Montant"],
            "rows": claim.rows(),
        },
        {"kind": "para", "text": claim.reconciliation(today)},
    ]
    semesters = claim.semesters()
    if semesters:
        blocks += [
            {"kind": "heading", "text": "Intérêts et pénalités par semestre"},
            {
                "kind": "table",
                "columns": ["1fr", "auto", "auto", "auto"],
                "right": [1, 2, 3],
                "header": ["Période", "Taux annuel", "Jours", "Montant"],
                "rows": semesters,
            },
        ]
    blocks += [
        {"kind": "heading", "text": "Voie proposée"},
        {
            "kind": "pairs",
            "rows": [
                ["Procédure", route.label],
                ["Auprès de", route.authority],
                ["Fondement", route.legal_basis],
            ],
        },
    ]
    return {
        "title": f"Dossier de preuve — dossier {number}",
        "subtitle": f"Préparé le {short_date(today)}",
        "footer": f"Dossier de preuve {number}",
        "blocks": blocks,
    }


def chronology_part(number: str, rows: list[tuple[datetime, str, str]]) -> dict:
    return {
        "title": "Chronologie du dossier",
        "subtitle": "Extrait du journal (append-only, chaîné par empreintes)",
        "footer": f"Dossier de preuve {number} — chronologie",
        "blocks": [
            {
                "kind": "table",
                "columns": ["auto", "auto", "1fr"],
                "header": ["Date", "Par", "Événement"],
                "rows": [[_when(at), who, message] for at, who, message in rows]
                or [["—", "—", "Aucun événement"]],
            }
        ],
    }


def bordereau_part(number: str, pieces: list[dict]) -> dict:
    return {
        "title": "Bordereau de pièces",
        "subtitle": "Pièces produites à l'appui de la demande, avec leur empreinte SHA-256",
        "footer": f"Dossier de preuve {number} — bordereau de pièces",
        "blocks": [
            {
                "kind": "table",
                "size": 8,
                "columns": ["auto", "1fr", "auto"],
                "header": ["N°", "Pièce", "SHA-256"],
                "rows": [
                    [
                        str(p["number"]),
                        p["title"] + (f"\n{p['detail']}" if p["detail"] else ""),
                        p["sha256"][:32] + "\n" + p["sha256"][32:],
                    ]
                    for p in pieces
                ],
            }
        ],
    }


def requete_part(
    *,
    number: str,
    creditor: Party,
    debtor: Party,
    claim: Claim,
    route: CourtRoute,
    pieces: list[dict],
) -> dict:
    blocks: list[dict] = [
        {"kind": "heading", "text": "Procédure"},
        {
            "kind": "pairs",
            "rows": [
                ["Procédure", route.label],
                ["Adressée à", route.authority],
                ["Fondement", route.legal_basis],
                ["Formulaire", route.form],
            ],
        },
        {"kind": "list", "items": list(route.notes)},
        {"kind": "heading", "text": "Demandeur (créancier)"},
        {"kind": "pairs", "rows": creditor.pairs()},
        {"kind": "heading", "text": "Défendeur (débiteur)"},
        {"kind": "pairs", "rows": debtor.pairs()},
        {"kind": "heading", "text": "Montant de la demande et décompte"},
        {
            "kind": "table",
            "columns": ["1fr", "auto"],
            "right": [1],
            "header": ["Élément", "Montant"],
            "rows": claim.rows(),
        },
        {"kind": "heading", "text": "Fondement de la créance"},
        {
            "kind": "para",
            "text": (
                "Créance de nature contractuelle, certaine, liquide et exigible, résultant des "
                "factures impayées listées dans le relevé de compte (pièce n° 1), restées sans "
                "paiement malgré les relances et la mise en demeure produites."
            ),
        },
        {"kind": "heading", "text": "Pièces jointes"},
        {"kind": "list", "items": [f"Pièce n° {p['number']} : {p['title']}" for p in pieces]},
        {"kind": "heading", "text": "Ce que la requête doit contenir"},
        {"kind": "list", "items": list(route.requete_contents)},
    ]
    if route.alternative is not None:
        alt = route.alternative
        blocks += [
            {"kind": "heading", "text": "À défaut d'accord du débiteur"},
            {
                "kind": "pairs",
                "rows": [
                    ["Procédure", alt.label],
                    ["Adressée à", alt.authority],
                    ["Fondement", alt.legal_basis],
                    ["Formulaire", alt.form],
                ],
            },
        ]
    return {
        "title": f"Projet de requête — {route.label}",
        "subtitle": f"Dossier {number}",
        "banner": DRAFT,
        "footer": f"Projet de requête à vérifier — dossier {number}",
        "blocks": blocks,
    }
