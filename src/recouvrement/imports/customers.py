"""What the import proposes for a customer it does not know yet (B4), in pure Python.

The accounting file says neither whether a customer is a professional (B2B) or a consumer
(B2C) nor whether its account is a debtor at all. A name that carries a SIREN, a legal form
(SARL, SAS…) or a company word (« Société », « Ets », « Boulangerie »…) is proposed B2B; any
other is « à vérifier » (kind ""), for the manager to decide. Accounts that are not debtors —
cash-register receipts (« RECETTE CB », « CAISSE »), suspense accounts (« CLIENT ATTENTE »,
« CLIENTS DIVERS ») and the collective 411 account used without auxiliary accounts — are
proposed « Exclu du recouvrement », with the reason in French.
"""

import re
import unicodedata
from dataclasses import dataclass

from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.identity import LA_POSTE, format_siren, luhn_ok

UNCHECKED = ""  # the kind proposed when nothing in the name tells: « à vérifier »

LEGAL_FORMS = frozenset((
    "sa", "sas", "sasu", "sarl", "sarlu", "eurl", "eirl", "sci", "snc", "scs", "sca", "scp",
    "scm", "scop", "scic", "sel", "selarl", "selas", "selafa", "selca", "gie", "gaec", "earl",
    "scea", "sem", "spl",
))  # fmt: skip
COMPANY_WORDS = frozenset((
    "societe", "ste", "cie", "compagnie", "ets", "etablissement", "etablissements", "groupe",
    "group", "holding", "entreprise", "entreprises", "industrie", "industries", "international",
    "association", "assoc", "fils", "freres", "syndicat", "syndic", "copropriete", "mairie",
    "commune", "communaute", "departement", "region", "prefecture", "college", "lycee", "ecole",
    "universite", "hopital", "clinique", "chu", "ehpad", "fondation", "federation",
    "cooperative", "mutuelle", "banque", "assurance", "assurances", "cabinet", "agence",
    "atelier", "ateliers", "boulangerie", "patisserie", "boucherie", "charcuterie",
    "fromagerie", "epicerie", "traiteur", "restaurant", "brasserie", "bistrot", "cafe", "hotel",
    "pharmacie", "laboratoire", "garage", "carrosserie", "transports", "transport",
    "logistique", "imprimerie", "menuiserie", "plomberie", "electricite", "maconnerie",
    "batiment", "construction", "constructions", "travaux", "immobilier", "immobiliere",
    "editions", "distribution", "services", "service", "conseil", "consulting", "solutions",
    "systemes", "technologies", "informatique", "magasin", "supermarche", "hypermarche",
    "commerce", "negoce", "import", "export", "camping", "gites", "architecte", "architectes",
    "notaire", "notaires", "avocat", "avocats", "expert", "experts",
))  # fmt: skip
# Words of cash-register, suspense and miscellaneous accounts; a name made of these words only
# (and of `FILLERS`) is one of them.
CASH_WORDS = frozenset((
    "recette", "recettes", "caisse", "caisses", "especes", "espece", "cb", "chq", "cheque",
    "cheques", "carte", "cartes", "tpe", "numeraire", "comptant", "comptoir", "ticket", "tickets",
))  # fmt: skip
SUSPENSE_WORDS = frozenset(("attente", "reclasser"))
MISC_WORDS = frozenset(
    ("divers", "diverses", "passager", "passagers", "occasionnel", "occasionnels")
)
FILLERS = frozenset((
    "client", "clients", "cli", "clt", "clts", "compte", "comptes", "cpte", "de", "du", "des",
    "d", "la", "le", "les", "l", "en", "a", "au", "aux", "et", "par", "magasin", "boutique",
    "vente", "ventes", "encaissement", "encaissements", "bancaire", "bancaires", "n", "no",
))  # fmt: skip
NON_DEBTOR = CASH_WORDS | SUSPENSE_WORDS | MISC_WORDS
_WORD = re.compile(r"[^\W\d_]+|\d+")  # letters, or digits
_DIGITS = re.compile(r"\d[\d ]{7,}\d")
_DOTTED = re.compile(r"(?<=\b[^\W\d_])\.(?=[^\W\d_]\b)")


@dataclass(frozen=True, slots=True)
class CustomerProposal:
    """What the import proposes for a new customer; `kind` "" is « à vérifier »."""

    code: str
    name: str
    kind: str
    kind_reason: str  # why B2B (« forme juridique SARL »); "" when « à vérifier »
    excluded: bool
    exclusion_reason: str  # why not a debtor; "" for a debtor


def propose_customer(code: str, name: str, *, collective: bool = False) -> CustomerProposal:
    """The proposal for one customer of the file; `collective`: the 411 account itself,
    used without auxiliary accounts (the plan says so)."""
    words = _words(name)
    reason = non_debtor_reason(code, name, collective=collective, words=words)
    kind, why = propose_kind(name, words=words) if not reason else (UNCHECKED, "")
    return CustomerProposal(code, name, kind, why, bool(reason), reason)


def propose_kind(name: str, *, words: list[tuple[str, str]] | None = None) -> tuple[str, str]:
    """(CustomerKind.B2B, its reason) when the name shows a company; else ("", "")."""
    words = _words(name) if words is None else words
    for written, word in words:
        if word in LEGAL_FORMS:
            return CustomerKind.B2B.value, f"forme juridique {written.upper()}"
    for written, word in words:
        if word in COMPANY_WORDS:
            return CustomerKind.B2B.value, f"mot « {written} » dans le nom"
    siren = _siren(name) if any(word.isdigit() for _, word in words) else ""
    if siren:
        return CustomerKind.B2B.value, f"SIREN {format_siren(siren)} dans le nom"
    return UNCHECKED, ""


def non_debtor_reason(
    code: str,
    name: str,
    *,
    collective: bool = False,
    words: list[tuple[str, str]] | None = None,
) -> str:
    """Why this account is not a debtor to chase, in French; "" for a debtor."""
    if collective:
        return (
            f"Compte collectif {code} utilisé sans compte auxiliaire : il regroupe les pièces "
            "de plusieurs clients, ce n'est pas un débiteur."
        )
    named = _words(name) if words is None else words
    # The code speaks when the name says nothing (« 411DIVERS », « CAISSE2 »).
    for shown, tokens in ((name, named), (code, None)):
        keys = [
            word
            for _, word in (tokens if tokens is not None else _words(shown))
            if word not in FILLERS and not word.isdigit()
        ]
        if not keys:
            continue
        if any(word not in NON_DEBTOR for word in keys):
            return ""
        shown = shown.strip()
        if any(word in CASH_WORDS for word in keys):
            return (
                f"Recettes de caisse (« {shown} ») : des ventes encaissées au comptant, "
                "pas une créance sur un client."
            )
        if any(word in SUSPENSE_WORDS for word in keys):
            return f"Compte d'attente (« {shown} ») : des écritures à reclasser, pas un débiteur."
        return (
            f"Compte de clients divers (« {shown} ») : plusieurs clients sous un même compte, "
            "pas un débiteur."
        )
    return ""


def _words(text: str) -> list[tuple[str, str]]:
    """Each word as written and as compared: lower case, no accents; « S.A.R.L. » is one
    word « sarl », « Sté » is « ste »."""
    if "." in text:
        text = _DOTTED.sub("", text)  # S.A.R.L. → SARL.
    return [(word, _plain(word)) for word in _WORD.findall(text)]


def _plain(word: str) -> str:
    word = word.casefold()
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _siren(name: str) -> str:
    """A SIREN (9 digits) or SIRET (14) with a valid key, written in the name."""
    for found in _DIGITS.findall(name):
        digits = found.replace(" ", "")
        if len(digits) == 14 and luhn_ok(digits):
            return digits[:9]
        if len(digits) == 9 and (digits == LA_POSTE or luhn_ok(digits)):
            return digits
    return ""
