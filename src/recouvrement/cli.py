"""The `recouvrement` command (PRODUCT §6): demo, serve, prepare, import, letters, bench…"""

import argparse
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

DEFAULT_PORT = 8000
BENCHES = ("worklist", "pages", "prepare", "letters", "import")


class CommandError(Exception):
    """A French message for the user; the command exits with status 2."""


def _setup(database_url: str | None = None) -> None:
    if database_url:
        os.environ["RECOUVREMENT_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recouvrement.settings")
    import django

    django.setup()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def parse_date(text: str | None) -> date:
    """ISO (2026-12-15) or French (15/12/2026); today when absent."""
    if not text:
        return date.today()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CommandError(f"Date invalide : « {text} » (attendu AAAA-MM-JJ ou JJ/MM/AAAA).")


def _progress(label: str) -> Callable[[int, int], None] | None:
    """A one-line progress bar on a terminal; nothing when the output is a file or a pipe."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{end}")
        sys.stderr.flush()

    return show


def _serve(host: str, port: int, threads: int) -> None:
    import waitress

    from recouvrement.wsgi import application

    print(f"Recouvrement est servi sur http://{host}:{port}/ (Ctrl+C pour arrêter)", flush=True)
    waitress.serve(application, host=host, port=port, threads=threads, ident="recouvrement")


def cmd_demo(args: argparse.Namespace) -> dict:
    db = Path(args.db).resolve()
    _setup(f"sqlite:///{db}")
    _migrate()
    from recouvrement import demo
    from recouvrement.db.models import Company
    from recouvrement.domain.statuses import Role

    if Company.objects.exists():
        print(f"Base de démonstration existante : {db}")
        summary = demo.demo_summary()
    else:
        print(f"Création de la base de démonstration : {db}")
        summary = demo.build_demo()
    from recouvrement.demo_fec import write_demo_fec

    company = Company.objects.order_by("pk").first()
    fec = write_demo_fec(db.parent, demo.DEMO_TODAY, company.siren)
    summary["sample_fec"] = str(fec)
    url = f"http://127.0.0.1:{args.port}/"
    print(f"Adresse : {url}")
    print(f"FEC d'exemple à importer (menu Importer) : {fec}")
    print("Identifiants :")
    for user in summary["users"]:
        who = f" — {user['collaborator']}" if user["collaborator"] else ""
        role = Role(user["role"]).label
        print(f"  {user['username']:<16} {user['password']:<22} {role}{who}")
    if not args.no_serve:
        if args.json:
            print(json.dumps({**summary, "url": url}, ensure_ascii=False), flush=True)
        _serve("127.0.0.1", args.port, threads=8)
    return {**summary, "url": url}


def cmd_serve(args: argparse.Namespace) -> None:
    _setup()
    if not args.no_migrate:
        _migrate()
    _serve(args.host, args.port, args.threads)


def cmd_prepare(args: argparse.Namespace) -> dict:
    today = parse_date(args.date)
    _setup()
    from recouvrement.services import prepare_due

    summary = prepare_due(today, progress=_progress("Préparer"))
    print(
        f"Préparer au {today:%d/%m/%Y} : {summary.created} intervention(s) créée(s), "
        f"{summary.not_due} dossier(s) pas encore à échéance, {summary.waiting} en attente, "
        f"{summary.finished} scénario(s) terminé(s)."
    )
    if summary.promises_kept or summary.promises_broken:
        print(
            f"Promesses : {summary.promises_kept} tenue(s), "
            f"{summary.promises_broken} non tenue(s) (alerte créée)."
        )
    return {"date": today.isoformat(), **summary.as_json()}


def cmd_letters(args: argparse.Namespace) -> dict:
    today = parse_date(args.date)
    out = Path(args.out)
    _setup()
    from django.core.exceptions import ValidationError

    from recouvrement.db.models import Company
    from recouvrement.documents import LetterRenderingError
    from recouvrement.services.letters import print_due_letters

    companies = list(Company.objects.order_by("pk"))
    printed = pages = 0
    for company in companies:
        try:
            result = print_due_letters(company, today=today)
        except (ValidationError, LetterRenderingError) as error:
            message = "; ".join(getattr(error, "messages", [str(error)]))
            raise CommandError(f"{company} : aucun courrier imprimé — {message}") from error
        if result is None:
            continue
        target = out if len(companies) == 1 else out.with_stem(f"{out.stem}-{company.pk}")
        target.write_bytes(result.pdf)
        printed += len(result.interventions)
        pages += result.batch.pages
        count = len(result.interventions)
        print(f"{company} : {count} courrier(s), {result.batch.pages} page(s) → {target}")
    if not printed:
        print(f"Aucun courrier à imprimer au {today:%d/%m/%Y}.")
    return {"date": today.isoformat(), "printed": printed, "pages": pages, "out": str(out)}


def cmd_send_emails(args: argparse.Namespace) -> dict:
    _setup()
    from django.utils import timezone

    from recouvrement.services.emails import send_due_emails

    summary = send_due_emails(now=timezone.now(), limit=args.limit)
    print(
        f"Envoi des e-mails : {summary.sent} envoyé(s), {summary.retried} reporté(s), "
        f"{summary.failed} en échec, {summary.interrupted} interrompu(s), "
        f"{summary.cancelled} annulé(s)."
    )
    if not summary.ok:
        if args.json:
            print(json.dumps(summary.as_json()))
        unsent = summary.retried + summary.failed + summary.interrupted
        raise CommandError(f"{unsent} e-mail(s) non envoyé(s). Dernière erreur : {summary.error}")
    return summary.as_json()


def cmd_open_dossiers(args: argparse.Namespace) -> dict:
    today = parse_date(args.date)
    _setup()
    from decimal import Decimal, InvalidOperation

    from recouvrement.db.models import Company
    from recouvrement.services import open_overdue_dossiers

    try:
        minimum = Decimal(args.min_amount.replace(",", ".")) if args.min_amount else None
    except InvalidOperation:
        raise CommandError(f"Montant minimum invalide : « {args.min_amount} ».") from None
    totals = {"date": today.isoformat(), "opened": 0, "below_minimum": 0, "refused": 0}
    for company in Company.objects.order_by("pk"):
        summary = open_overdue_dossiers(company, today=today, user=None, min_amount=minimum)
        for key, value in summary.as_json().items():
            totals[key] += value
        for line in summary.refused:
            print(f"Refusé — {line}")
        numbers = ", ".join(d.number for d in summary.opened[:10])
        more = "…" if len(summary.opened) > 10 else ""
        print(f"{company} : {len(summary.opened)} dossier(s) ouvert(s) {numbers}{more}".rstrip())
    return totals


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
    _setup()
    from django.core.exceptions import PermissionDenied, ValidationError

    from recouvrement.db.models import SavedCsvMapping
    from recouvrement.imports import CsvMapping
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
    options = ImportOptions(args.format, as_of, mapping, path.name, accounts)
    with path.open("rb", buffering=0) as raw:
        show = _progress("Lecture")
        stream = io.BufferedReader(_ProgressReader(raw, path.stat().st_size, show)) if show else raw
        try:
            report = import_accounting_file(
                company,
                stream,
                today=date.today(),
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
    from recouvrement.domain.money import format_amount

    verb = "Aperçu (rien n'est enregistré)" if args.dry_run else "Import"
    print(
        f"{verb} de {path.name} ({report.file_format.upper()}, arrêté au "
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
    if report.already_imported:
        print(f"Ce fichier avait déjà été importé le {report.already_imported}.")
    print(
        f"Échéances ouvertes : {report.open_receivables} pour {format_amount(report.open_amount)}."
    )
    return report.as_json()


def cmd_bench(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="recouvrement-bench-") as folder:
        url = os.environ.get("RECOUVREMENT_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        _setup(url)
        _migrate()
        from recouvrement.bench.runner import run
        from recouvrement.db.models import Company

        if Company.objects.exists():
            raise CommandError("Le banc d'essai demande une base vide (RECOUVREMENT_DATABASE_URL).")
        for figure in run(args.size, args.only):
            print(json.dumps(figure), flush=True)


def cmd_manage(args: argparse.Namespace) -> None:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["recouvrement manage", *args.arguments])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="recouvrement", description="Recouvrement de créances : poste de travail."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="crée la base de démonstration et la sert")
    demo.add_argument("--db", default="recouvrement-demo.sqlite3", help="fichier SQLite")
    demo.add_argument("--port", type=int, default=DEFAULT_PORT)
    demo.add_argument("--no-serve", action="store_true", help="crée la base sans la servir")
    demo.add_argument("--json", action="store_true", help="résumé JSON en dernière ligne")
    demo.set_defaults(run=cmd_demo)

    serve = commands.add_parser("serve", help="sert l'application (serveur WSGI waitress)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--threads", type=int, default=8)
    serve.add_argument("--no-migrate", action="store_true", help="ne pas migrer la base")
    serve.set_defaults(run=cmd_serve)

    prepare = commands.add_parser("prepare", help="Préparer : crée les étapes échues (B1)")
    prepare.add_argument("--date", help="date de traitement (défaut : aujourd'hui)")
    prepare.add_argument("--json", action="store_true", help="résumé JSON en dernière ligne")
    prepare.set_defaults(run=cmd_prepare)

    letters = commands.add_parser(
        "letters", help="imprime les courriers à échéance en un PDF et les passe « Réalisée »"
    )
    letters.add_argument("--date", help="date des courriers (défaut : aujourd'hui)")
    letters.add_argument("--out", required=True, help="fichier PDF à écrire")
    letters.add_argument("--json", action="store_true", help="résumé JSON en dernière ligne")
    letters.set_defaults(run=cmd_letters)

    emails = commands.add_parser("send-emails", help="envoie les e-mails en attente (outbox)")
    emails.add_argument("--limit", type=int, default=500, help="nombre maximal d'e-mails")
    emails.add_argument("--json", action="store_true", help="résumé JSON en dernière ligne")
    emails.set_defaults(run=cmd_send_emails)

    opening = commands.add_parser(
        "open-dossiers", help="ouvre un dossier par client en retard non suivi (B5)"
    )
    opening.add_argument("--date", help="date de référence (défaut : aujourd'hui)")
    opening.add_argument("--min-amount", help="total échu minimum (défaut : celui de la société)")
    opening.add_argument("--json", action="store_true", help="résumé JSON en dernière ligne")
    opening.set_defaults(run=cmd_open_dossiers)

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
    importing.add_argument("--json", action="store_true", help="résumé JSON en dernière ligne")
    importing.set_defaults(run=cmd_import)

    bench = commands.add_parser("bench", help="bancs d'essai des budgets de performance")
    bench.add_argument("--size", type=int, default=10_000, help="nombre de dossiers")
    bench.add_argument("--only", choices=BENCHES)
    bench.set_defaults(run=cmd_bench)

    manage = commands.add_parser("manage", help="commandes d'administration de Django")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(run=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result = args.run(args)
    except CommandError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    if isinstance(result, dict) and getattr(args, "json", False):
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
