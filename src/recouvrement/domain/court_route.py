"""The court route proposed for a claim (legal-formats.md §2.4 and §2.5).

Pure: the amount claimed (principal and interest) and whether both parties
are traders decide the route; the caller stays free to choose another one.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

SMALL_CLAIMS_LIMIT = Decimal("5000.00")  # CPCE L125-1, since 1/1/2020

REQUETE_CONTENTS = (
    "Identité du créancier (dénomination, forme, siège, SIREN, représentant)",
    "Identité du débiteur (dénomination ou nom, adresse, SIREN s'il s'agit d'une société)",
    "Montant de la somme réclamée avec le décompte des différents éléments de la créance "
    "(principal, pénalités, indemnités forfaitaires, intérêts, déduction des paiements)",
    "Fondement de la créance (factures, contrat, conditions générales de vente)",
    "Bordereau des pièces justificatives produites",
)


class RouteKind(StrEnum):
    SMALL_CLAIMS = "small_claims"
    INJUNCTION_COMMERCE = "injunction_commerce"
    INJUNCTION_JUDICIAIRE = "injunction_judiciaire"


@dataclass(frozen=True)
class CourtRoute:
    kind: RouteKind
    label: str
    authority: str
    legal_basis: str
    form: str
    requete_contents: tuple[str, ...]
    notes: tuple[str, ...]
    alternative: "CourtRoute | None" = None


def _injunction(b2b: bool) -> CourtRoute:
    notes = (
        "Requête non contradictoire ; compétence territoriale du lieu où demeure le "
        "débiteur, d'ordre public (CPC art. 1406).",
        "L'ordonnance doit être signifiée par commissaire de justice dans les 6 mois "
        "(CPC art. 1411) ; opposition possible dans le mois de la signification "
        "(CPC art. 1416).",
    )
    if b2b:
        return CourtRoute(
            kind=RouteKind.INJUNCTION_COMMERCE,
            label="Injonction de payer",
            authority="Président du tribunal de commerce (ou tribunal des activités "
            "économiques) du lieu où demeure le débiteur",
            legal_basis="CPC art. 1405 à 1425 ; C. com. L441-10",
            form="Cerfa 12946 (numéro de version à vérifier sur service-public.fr)",
            requete_contents=REQUETE_CONTENTS,
            notes=notes,
        )
    return CourtRoute(
        kind=RouteKind.INJUNCTION_JUDICIAIRE,
        label="Injonction de payer",
        authority="Tribunal judiciaire du lieu où demeure le débiteur",
        legal_basis="CPC art. 1405 à 1425",
        form="Cerfa 12948 (numéro de version à vérifier sur service-public.fr)",
        requete_contents=REQUETE_CONTENTS,
        notes=notes,
    )


def propose_route(amount_claimed: Decimal, *, b2b: bool) -> CourtRoute:
    """The route for `amount_claimed` (principal and interest, in euros)."""
    injunction = _injunction(b2b)
    if Decimal(amount_claimed) <= SMALL_CLAIMS_LIMIT:
        return CourtRoute(
            kind=RouteKind.SMALL_CLAIMS,
            label="Procédure simplifiée de recouvrement des petites créances",
            authority="Commissaire de justice du ressort de la cour d'appel du débiteur",
            legal_basis="CPCE art. L125-1 et R125-1 à R125-8",
            form="Demande adressée au commissaire de justice (pas de Cerfa)",
            requete_contents=REQUETE_CONTENTS,
            notes=(
                "Créance de cause contractuelle ou statutaire ≤ 5 000 € (principal et "
                "intérêts compris).",
                "Le débiteur a un mois pour accepter ; l'accord donne un titre "
                "exécutoire ; les frais sont à la charge du créancier.",
                "À défaut d'accord : "
                + injunction.label.lower()
                + " — "
                + injunction.authority
                + ".",
            ),
            alternative=injunction,
        )
    return injunction


def route_label(kind: str) -> str:
    """The French name of a stored route (`RouteKind` value)."""
    return {
        RouteKind.SMALL_CLAIMS: "Procédure simplifiée de recouvrement des petites créances",
        RouteKind.INJUNCTION_COMMERCE: "Injonction de payer — tribunal de commerce",
        RouteKind.INJUNCTION_JUDICIAIRE: "Injonction de payer — tribunal judiciaire",
    }.get(kind, kind)
