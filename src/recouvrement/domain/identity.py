"""A French company's identifiers and the legal mentions its letters print (PRODUCT §9 O2).

SIREN (9 digits, Luhn key), n° TVA intracommunautaire (FR + key + SIREN), IBAN (ISO 13616,
mod 97), BIC (ISO 9362), and the footer line of a business letter (C. com. R123-237/238):
« SAS au capital de 10 000 € — SIREN 512 846 379 RCS Lyon — TVA FR40512846379 ».
Each `normalize_…` returns the stored form or raises a French RuleViolation; "" stays "".
"""

import re
from decimal import Decimal

from recouvrement.domain.money import NBSP, format_amount
from recouvrement.domain.rules import RuleViolation

LA_POSTE = "356000000"  # the one SIREN without a Luhn key (its SIRETs sum to a multiple of 5)
_BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
_VAT_FR = re.compile(r"^FR([0-9A-HJ-NP-Z]{2})([0-9]{9})$")


def compact(text: str) -> str:
    """Without spaces, dots or dashes, in capitals: how two spellings are compared."""
    return re.sub(r"[\s.\-\u00a0\u202f]", "", text or "").upper()


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def normalize_siren(text: str) -> str:
    """« 512 846 379 » → « 512846379 », once its Luhn key checks."""
    siren = compact(text)
    if not siren:
        return ""
    if not (len(siren) == 9 and siren.isdigit()):
        raise RuleViolation(
            f"Le SIREN « {text.strip()} » doit compter 9 chiffres.", "siren_invalid"
        )
    if siren != LA_POSTE and not luhn_ok(siren):
        raise RuleViolation(
            f"Le SIREN « {text.strip()} » n'est pas valide (clé de contrôle erronée).",
            "siren_invalid",
        )
    return siren


def format_siren(siren: str) -> str:
    """« 512846379 » → « 512 846 379 » (anything else is printed as given)."""
    return f"{siren[:3]} {siren[3:6]} {siren[6:]}" if len(siren) == 9 else siren


def vat_key(siren: str) -> str:
    """The French VAT number's 2-digit key of a SIREN: (12 + 3 × (SIREN mod 97)) mod 97."""
    return f"{(12 + 3 * (int(siren) % 97)) % 97:02d}"


def normalize_vat(text: str, siren: str = "") -> str:
    """« FR 40 512 846 379 » → « FR40512846379 »: a French number must carry the company's
    SIREN and its key; another EU country's number is kept as typed (letters and digits)."""
    vat = compact(text)
    if not vat:
        return ""
    if not re.fullmatch(r"[A-Z]{2}[0-9A-Z+*]{2,13}", vat):
        raise RuleViolation(
            f"Le n° de TVA intracommunautaire « {text.strip()} » n'est pas valide.", "vat_invalid"
        )
    if not vat.startswith("FR"):
        return vat
    match = _VAT_FR.match(vat)
    if match is None:
        raise RuleViolation(
            f"Le n° de TVA « {text.strip()} » doit s'écrire FR, une clé de 2 caractères et le "
            "SIREN (9 chiffres).",
            "vat_invalid",
        )
    key, number = match.groups()
    if siren and number != siren:
        raise RuleViolation(
            f"Le n° de TVA « {text.strip()} » ne reprend pas le SIREN de la société ({siren}).",
            "vat_siren_mismatch",
        )
    if key.isdigit() and key != vat_key(number):
        raise RuleViolation(
            f"Le n° de TVA « {text.strip()} » n'est pas valide : la clé devrait être "
            f"{vat_key(number)}.",
            "vat_invalid",
        )
    return vat


def iban_ok(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def normalize_iban(text: str) -> str:
    """« fr7630004000… » → « FR76 3000 4000 … » (groups of 4), once its mod-97 key checks."""
    iban = compact(text)
    if not iban:
        return ""
    if not _IBAN.match(iban) or not iban_ok(iban):
        raise RuleViolation(
            f"L'IBAN « {text.strip()} » n'est pas valide (clé de contrôle erronée).",
            "iban_invalid",
        )
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def normalize_bic(text: str) -> str:
    bic = compact(text)
    if bic and not _BIC.match(bic):
        raise RuleViolation(
            f"Le BIC « {text.strip()} » n'est pas valide (8 ou 11 caractères).", "bic_invalid"
        )
    return bic


def format_capital(capital: Decimal) -> str:
    """« 10 000 € », or « 7 500,50 € » when there are cents."""
    text = format_amount(capital)
    return text.replace(",00" + NBSP, NBSP) if text.endswith(",00" + NBSP + "€") else text


def legal_mentions(
    *,
    name: str,
    legal_form: str = "",
    capital: Decimal | None = None,
    siren: str = "",
    rcs_city: str = "",
    vat_number: str = "",
) -> tuple[str, ...]:
    """The parts of the footer's legal line, in the usual order; empty ones left out."""
    parts = [name]
    if legal_form and capital is not None:
        parts.append(f"{legal_form} au capital de {format_capital(capital)}")
    elif legal_form:
        parts.append(legal_form)
    if siren:
        registry = f" RCS {rcs_city}" if rcs_city else ""
        parts.append(f"SIREN {format_siren(siren)}{registry}")
    if vat_number:
        parts.append(f"TVA {vat_number}")
    return tuple(part for part in parts if part)
