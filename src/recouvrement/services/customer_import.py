"""The customers' file (B4): a CSV that sets the customers' kind, payment terms and contact
details in bulk — code ; nom ; type (B2B / B2C) ; délai de paiement ; e-mail ; téléphone ;
adresse ; code postal ; ville (; exclu ; SIREN).

Column names are read loosely (case, accents, spaces; « Raison sociale » for « Nom », « CP »
for « Code postal »…), like the CSV of open items. A SIREN is stored as 9 digits once its
Luhn key checks (« 512 846 379 » is read). An existing customer (by code) takes the
cells that are filled and keeps the others; a new one needs its name and its type, the
accounting file being silent about them. Every line is checked first: a file with one bad
line changes nothing and names each bad line. One transaction, one company journal row.
"""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from recouvrement.db.models import Company, Customer
from recouvrement.domain import audit, identity
from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.text import control_character
from recouvrement.imports.csv_items import DELIMITERS, csv_rows
from recouvrement.imports.encoding import bounded_lines, first_line, open_text
from recouvrement.imports.fields import columns_read, header_key
from recouvrement.imports.reconcile import plural
from recouvrement.services.actors import require_manager
from recouvrement.services.import_writer import MAX_TERMS
from recouvrement.services.journal import company_entry
from recouvrement.services.use_case import use_case

MAY_IMPORT_CUSTOMERS = "peut importer le fichier des clients"
LISTED = 200  # codes kept in the journal row and the report's JSON
# Field → the header names it answers to (compared with `header_key`).
COLUMNS = {
    "code": ("Code", "Code client", "Compte", "Compte client", "Compte auxiliaire",
             "Compte tiers", "N° compte", "Tiers", "Numéro"),
    "name": ("Nom", "Nom du client", "Raison sociale", "Intitulé", "Libellé", "Dénomination"),
    "kind": ("Type", "Type client", "Type de client", "B2B/B2C", "Catégorie", "Nature"),
    "payment_terms_days": ("Délai", "Délai de paiement", "Délai paiement", "Délais de paiement",
                           "Conditions de paiement", "Jours", "Délai (jours)"),
    "email": ("E-mail", "Mail", "Courriel", "Adresse e-mail", "Adresse mail"),
    "phone": ("Téléphone", "Tél", "Tel", "Tél.", "Portable", "Mobile"),
    "address": ("Adresse", "Adresse 1", "Rue", "Adresse postale"),
    "postal_code": ("Code postal", "CP"),
    "city": ("Ville", "Commune", "Localité"),
    "excluded": ("Exclu", "Exclu du recouvrement", "Exclusion"),
    "siren": ("SIREN", "N° SIREN", "Numéro SIREN", "SIREN client", "SIREN du client"),
}  # fmt: skip
LABELS = {
    "code": "code", "name": "nom", "kind": "type", "payment_terms_days": "délai de paiement",
    "email": "e-mail", "phone": "téléphone", "address": "adresse", "postal_code": "code postal",
    "city": "ville", "excluded": "exclu", "siren": "SIREN",
}  # fmt: skip
TEXT_FIELDS = ("name", "email", "phone", "address", "postal_code", "city", "siren")
FIELDS = (*TEXT_FIELDS, "kind", "payment_terms_days", "excluded_from_collection")
KINDS = {
    CustomerKind.B2B.value: ("b2b", "b", "pro", "professionnel", "professionnelle", "entreprise",
                             "societe", "btob"),
    CustomerKind.B2C.value: ("b2c", "c", "part", "particulier", "particuliere", "consommateur",
                             "btoc"),
}  # fmt: skip
_KIND = {word: kind for kind, words in KINDS.items() for word in words}
_YES = frozenset({"oui", "o", "1", "x", "vrai", "yes", "y"})
_NO = frozenset({"non", "n", "0", "faux", "no"})
_TERMS = re.compile(r"(\d{1,3})\s*(?:j|jours?)?\.?", re.IGNORECASE)
_HEADERS = {header_key(name): column for column, names in COLUMNS.items() for name in names}


@dataclass
class CustomerImportReport:
    lines: int = 0
    created: list[str] = field(default_factory=list)  # codes
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)  # French, « Ligne 4 : … »
    dry_run: bool = False

    @property
    def applied(self) -> bool:
        return not self.dry_run and not self.errors

    def as_json(self) -> dict:
        return {
            "lines": self.lines,
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "rejected_lines": len(self.errors),
            "dry_run": self.dry_run,
            "applied": self.applied,
        }

    def sentence(self) -> str:
        """« 3 clients créés, 2 clients modifiés, 5 inchangés »."""
        parts = [
            plural(len(self.created), "client créé"),
            plural(len(self.updated), "client modifié"),
            f"{self.unchanged} inchangé{'s' if self.unchanged > 1 else ''}",
        ]
        return ", ".join(parts)


@use_case
def import_customers_file(
    company: Company,
    stream: BinaryIO,
    *,
    user: AbstractBaseUser | None,
    name: str = "",
    dry_run: bool = False,
) -> CustomerImportReport:
    """Create or update the customers of a CSV (see the module's docstring); `dry_run`:
    checked and counted, nothing written."""
    require_manager(user, company.pk, MAY_IMPORT_CUSTOMERS)
    report = CustomerImportReport(dry_run=dry_run)
    rows = list(_read(stream, report))
    existing = {c.code: c for c in Customer.objects.filter(company=company)}
    new, changed, history = [], [], {}
    for number, values in rows:
        customer = existing.get(values["code"])
        if customer is None:
            problem = _missing_for_new(values)
            if problem:
                report.errors.append(f"Ligne {number} : {problem}")
                continue
            customer = Customer(company=company, code=values["code"])
            customer.payment_terms_days = company.default_payment_terms_days
            _set(customer, values)
            new.append(customer)
            continue
        before = {name: getattr(customer, name) for name in FIELDS}
        _set(customer, values)
        after = {name: getattr(customer, name) for name in FIELDS}
        moved = {name for name in FIELDS if before[name] != after[name]}
        if moved:
            changed.append(customer)
            history[customer.code] = ({n: before[n] for n in moved}, {n: after[n] for n in moved})
        else:
            report.unchanged += 1
    report.created = [c.code for c in new]
    report.updated = [c.code for c in changed]
    if report.errors or dry_run:
        return report
    Customer.objects.bulk_create(new, batch_size=500)
    Customer.objects.bulk_update(changed, FIELDS, batch_size=500)
    if new or changed:
        _journal(company, user, name, report, history)
    return report


def _read(stream: BinaryIO, report: CustomerImportReport) -> Iterator[tuple[int, dict]]:
    text, _encoding = open_text(stream, newline="")
    header_line = first_line(text)
    delimiter = max(DELIMITERS, key=header_line.count)
    header = next(csv.reader([header_line], delimiter=delimiter), [])
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        column = _HEADERS.get(header_key(title))
        if column and column not in columns:
            columns[column] = index
    if "code" not in columns:
        raise RuleViolation(
            "Le fichier des clients n'a pas de colonne « Code » dans sa première ligne "
            f"(colonnes lues : {columns_read(header)}"
            ").",
            "customers_missing_column",
        )
    seen: dict[str, int] = {}
    reader = csv.reader(bounded_lines(text, 2), delimiter=delimiter)
    for row in csv_rows(reader):
        number = reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        report.lines += 1
        cells = {
            column: row[index].strip() if index < len(row) else ""
            for column, index in columns.items()
        }
        values, problems = _values(cells)
        code = values.get("code", "")
        if code and code in seen:
            problems.append(f"code {code} déjà présent ligne {seen[code]}")
        elif code:
            seen[code] = number
        if problems:
            report.errors.extend(f"Ligne {number} : {problem}" for problem in problems)
            continue
        yield number, values


def _values(cells: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The cells read: only those filled (an empty cell keeps what the customer has)."""
    values: dict[str, Any] = {}
    problems = []
    for column, text in cells.items():
        if not text:
            continue
        try:
            values[column] = _value(column, text)
        except ValueError as problem:
            problems.append(str(problem))
    if not values.get("code"):
        problems.insert(0, "code client manquant")
    return values, problems


def _value(column: str, text: str) -> Any:
    if found := control_character(text):
        raise ValueError(
            f"{LABELS[column]} : caractère de contrôle {found} refusé (un fichier texte n'en "
            "contient pas)"
        )
    limits = {"code": 17, "name": 100, "phone": 21, "address": 200, "postal_code": 10,
              "city": 60, "email": 254}  # fmt: skip
    if column in limits and len(text) > limits[column]:
        raise ValueError(
            f"{LABELS[column]} « {text} » trop long ({len(text)} caractères, "
            f"{limits[column]} au plus)"
        )
    if column == "kind":
        kind = _KIND.get(header_key(text))
        if kind is None:
            raise ValueError(f"type « {text} » invalide (B2B ou B2C)")
        return kind
    if column == "payment_terms_days":
        match = _TERMS.fullmatch(text.strip())
        if match is None or int(match.group(1)) > MAX_TERMS:
            raise ValueError(
                f"délai de paiement « {text} » invalide (un nombre de jours de 0 à {MAX_TERMS}, "
                "ex. 30)"
            )
        return int(match.group(1))
    if column == "excluded":
        word = header_key(text)
        if word not in _YES | _NO:
            raise ValueError(f"exclu « {text} » invalide (oui ou non)")
        return word in _YES
    if column == "siren":
        try:
            return identity.normalize_siren(text)
        except RuleViolation as refused:  # « le SIREN « 123 » doit compter 9 chiffres »
            raise ValueError(refused.message[:1].lower() + refused.message[1:-1]) from None
    if column == "email":
        try:
            validate_email(text)
        except ValidationError:
            raise ValueError(f"e-mail « {text} » invalide") from None
    return text


def _missing_for_new(values: dict[str, Any]) -> str:
    code = values["code"]
    missing = [LABELS[name] for name in ("name", "kind") if name not in values]
    if not missing:
        return ""
    return (
        f"nouveau client {code} sans {' ni '.join(missing)} : un nouveau client a besoin de "
        "son nom et de son type (B2B ou B2C)"
    )


def _set(customer: Customer, values: dict[str, Any]) -> None:
    for name in (*TEXT_FIELDS, "kind", "payment_terms_days"):
        if name in values:
            setattr(customer, name, values[name])
    if "excluded" in values:
        customer.excluded_from_collection = values["excluded"]


def _journal(
    company: Company,
    user: AbstractBaseUser | None,
    name: str,
    report: CustomerImportReport,
    history: dict[str, tuple[dict, dict]],
) -> None:
    listed = list(history.items())[:LISTED]
    company_entry(
        company,
        audit.CUSTOMERS_IMPORTED,
        f"Import du fichier des clients « {name[:60] or 'CSV'} » : {report.sentence()}.",
        user=user,
        before={code: _plain(old) for code, (old, _) in listed},
        after={
            **report.as_json(),
            "created_codes": report.created[:LISTED],
            "changes": {code: _plain(new) for code, (_, new) in listed},
        },
    )


def _plain(values: dict) -> dict:
    return {key: value if isinstance(value, int | str | bool) else str(value)
            for key, value in values.items()}  # fmt: skip
