"""`recouvrement import`: a FEC or a CSV of open items (B4), with a progress bar on a terminal;
`recouvrement import-customers`: the customers' file (kind, payment terms, contact details)."""

import argparse
import io
import json
from collections.abc import Callable
from pathlib import Path

from recouvrement.cli.base import CommandError, parse_date, progress, setup, today


def register(commands: argparse._SubParsersAction) -> None:
    importing = commands.add_parser(
        "import", help="importe un FEC ou un CSV d'échéances ouvertes (B4)"
    )
    importing.add_argument("file", help="fichier FEC ou CSV")
    importing.add_argument("--format", choices=("fec", "csv"), help="défaut : reconnu")
    importing.add_argument("--as-of", help="date d'arrêté (FEC : écritures postérieures ignorées)")
    importing.add_argument("--dry-run", action="store_true", help="aperçu : rien n'est enregistré")
    importing.add_argument("--company", help="société (SIREN ou nom) s'il y en a plusieurs")
    importing.add_argument("--mapping", help="format CSV enregistré (colonnes)")
    importing.add_argument(
        "--accounts", default="411,413,416", help="FEC : préfixes des comptes clients"
    )
    importing.add_argument(
        "--unchecked-kind",
        choices=("b2b", "b2c"),
        default="b2c",
        help="type des nouveaux clients « à vérifier » (rien dans le nom n'indique une "
        "société) : b2c, le défaut, ne réclame ni pénalités ni indemnité de 40 €",
    )
    importing.add_argument("--json", action="store_true", help="résumé JSON en dernière ligne")
    importing.set_defaults(run=cmd_import)

    customers = commands.add_parser(
        "import-customers",
        help="importe le fichier des clients (code ; nom ; type B2B/B2C ; délai ; e-mail…)",
    )
    customers.add_argument("file", help="fichier CSV des clients")
    customers.add_argument("--dry-run", action="store_true", help="vérifie sans enregistrer")
    customers.add_argument("--company", help="société (SIREN ou nom) s'il y en a plusieurs")
    customers.add_argument("--json", action="store_true", help="résumé JSON en dernière ligne")
    customers.set_defaults(run=cmd_import_customers)


class _ProgressReader(io.RawIOBase):
    """A file read through, reporting how many bytes have gone by (for the progress bar)."""

    def __init__(self, stream, total: int, show: Callable[[int, int], None]) -> None:
        self._stream, self._total, self._show, self._done, self._step = stream, total, show, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        return self._stream.tell()

    def readinto(self, buffer) -> int:
        count = self._stream.readinto(buffer)
        position = self._stream.tell()
        if position // (1 << 22) != self._step or position >= self._total:
            self._step = position // (1 << 22)
            self._show(position, self._total)
        return count


def _company(wanted: str | None):
    from recouvrement.db.models import Company

    companies = Company.objects.order_by("pk")
    if wanted:
        found = companies.filter(siren=wanted) | companies.filter(name__iexact=wanted)
        if wanted.isdigit():
            found = found | companies.filter(pk=int(wanted))
        company = found.first()
        if company is None:
            raise CommandError(f"Société inconnue : « {wanted} » (SIREN, nom ou numéro).")
        return company
    if companies.count() != 1:
        names = ", ".join(f"{c.name} (SIREN {c.siren})" for c in companies) or "aucune"
        raise CommandError(f"Précisez la société avec --company (sociétés : {names}).")
    return companies.get()


def cmd_import(args: argparse.Namespace) -> dict:
    as_of = parse_date(args.as_of) if args.as_of else None
    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"Fichier introuvable : {path}")
    setup()
    from django.core.exceptions import PermissionDenied, ValidationError

    from recouvrement.db.models import SavedCsvMapping
    from recouvrement.imports import CsvMapping
    from recouvrement.services.import_writer import CustomerChoices
    from recouvrement.services.imports import ImportOptions, import_accounting_file

    company = _company(args.company)
    mapping = None
    if args.mapping:
        saved = SavedCsvMapping.objects.filter(company=company, name=args.mapping).first()
        if saved is None:
            raise CommandError(f"Format CSV inconnu : « {args.mapping} ».")
        mapping = CsvMapping.from_dict(saved.mapping)
    accounts = tuple(a.strip() for a in args.accounts.split(",") if a.strip())
    if not accounts or not all(a.isdigit() for a in accounts):
        raise CommandError(f"Comptes clients invalides : « {args.accounts} » (ex. 411,413,416).")
    choices = CustomerChoices(unchecked_kind=args.unchecked_kind)
    options = ImportOptions(args.format, as_of, mapping, path.name, accounts, choices)
    with path.open("rb", buffering=0) as raw:
        show = progress("Lecture")
        stream = io.BufferedReader(_ProgressReader(raw, path.stat().st_size, show)) if show else raw
        try:
            report = import_accounting_file(
                company,
                stream,
                today=today(),
                user=None,
                options=options,
                dry_run=args.dry_run,
            )
        except (ValidationError, PermissionDenied) as refusal:
            raise CommandError(" ".join(getattr(refusal, "messages", [str(refusal)]))) from None
    for error in report.errors[:50]:
        print(f"Rejetée — {error.message}")
    if report.rejected_lines:
        if report.rejected_lines > 50:
            print(f"… et {report.rejected_lines - 50} autre(s) ligne(s) rejetée(s).")
        if args.json:
            print(json.dumps(report.as_json(), ensure_ascii=False))
        raise CommandError(
            f"{report.rejected_lines} ligne(s) rejetée(s) sur {report.lines} : rien n'a été "
            "importé. Corrigez le fichier puis relancez."
        )
    _print_report(report, path.name, args.dry_run)
    return report.as_json()


def _print_report(report, name: str, dry_run: bool) -> None:
    from recouvrement.domain.money import format_amount

    verb = "Aperçu (rien n'est enregistré)" if dry_run else "Import"
    print(
        f"{verb} de {name} ({report.file_format.upper()}, arrêté au "
        f"{report.as_of:%d/%m/%Y}, {report.lines} ligne(s)) : {report.customers} client(s) dont "
        f"{report.customers_created} nouveau(x) ; échéances : {report.receivables_created} "
        f"créée(s), {report.receivables_updated} modifiée(s), {report.receivables_closed} "
        f"soldée(s) ; {report.payments} règlement(s) enregistré(s)."
    )
    if report.dossiers_closed:
        print(f"Dossiers clos (Payé) : {', '.join(report.dossiers_closed)}")
    if report.promises_kept or report.promises_broken:
        print(
            f"Promesses : {report.promises_kept} tenue(s), {report.promises_broken} non tenue(s)."
        )
    _print_new_customers(report)
    if report.already_imported:
        print(f"Ce fichier avait déjà été importé le {report.already_imported}.")
    print(
        f"Échéances ouvertes : {report.open_receivables} pour {format_amount(report.open_amount)}."
    )


LISTED_CUSTOMERS = 50
KIND_LABELS = {"b2b": "professionnel (B2B)", "b2c": "particulier (B2C)"}


def _print_new_customers(report) -> None:
    """Each new customer with the kind it gets and why; the excluded ones and why."""
    new = report.new_customers
    if not new:
        return
    to_check, excluded = report.customers_to_check, report.customers_excluded
    print(
        f"Nouveaux clients : {len(new)} dont {len(new) - to_check - excluded} professionnel(s) "
        f"d'après leur nom, {to_check} à vérifier, {excluded} exclu(s) du recouvrement."
    )
    for customer in new[:LISTED_CUSTOMERS]:
        proposal = customer.proposal
        kind = KIND_LABELS[customer.kind]
        if customer.excluded:
            why = f"exclu du recouvrement — {proposal.exclusion_reason or 'choisi'}"
        elif customer.to_check:
            why = f"à vérifier — créé en {kind} : rien dans le nom n'indique une société"
        else:
            why = f"{kind} — {proposal.kind_reason or 'choisi'}"
        print(f"  {proposal.code} {proposal.name} : {why}")
    if len(new) > LISTED_CUSTOMERS:
        print(f"  … et {len(new) - LISTED_CUSTOMERS} autre(s).")
    print(
        "Changez un client sur sa fiche (Structure › Clients), ou plusieurs à la fois avec "
        "« recouvrement import-customers FICHIER.csv »."
    )


def cmd_import_customers(args: argparse.Namespace) -> dict:
    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"Fichier introuvable : {path}")
    setup()
    from django.core.exceptions import PermissionDenied, ValidationError

    from recouvrement.services.customer_import import import_customers_file

    company = _company(args.company)
    with path.open("rb") as stream:
        try:
            report = import_customers_file(
                company, stream, user=None, name=path.name, dry_run=args.dry_run
            )
        except (ValidationError, PermissionDenied) as refusal:
            raise CommandError(" ".join(getattr(refusal, "messages", [str(refusal)]))) from None
    for error in report.errors[:50]:
        print(f"Rejetée — {error}")
    if report.errors:
        if len(report.errors) > 50:
            print(f"… et {len(report.errors) - 50} autre(s) erreur(s).")
        if args.json:
            print(json.dumps(report.as_json(), ensure_ascii=False))
        raise CommandError(
            f"{len(report.errors)} erreur(s) dans {path.name} : aucun client n'a été modifié. "
            "Corrigez le fichier puis relancez."
        )
    verb = "Aperçu (rien n'est enregistré)" if args.dry_run else "Import"
    print(f"{verb} du fichier des clients {path.name} : {report.sentence()}.")
    return report.as_json()
