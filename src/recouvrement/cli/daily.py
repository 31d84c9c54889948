"""The daily commands, run from cron: prepare, letters, send-emails, open-dossiers."""

import argparse
import json
from pathlib import Path

from recouvrement.cli.base import CommandError, parse_date, progress, setup
from recouvrement.cli.priority import refresh_companies
from recouvrement.domain.disputes import OUT_OF_DISPUTE
from recouvrement.domain.money import format_amount
from recouvrement.operations.files import reason, target_problem, write_durably

HELD_IN_DISPUTE = "dossier(s) en litige non avancé(s)"


def register(commands: argparse._SubParsersAction) -> None:
    prepare = commands.add_parser("prepare", help="Préparer : crée les étapes échues (B1)")
    prepare.add_argument("--date", help="date de traitement (défaut : aujourd'hui)")
    prepare.add_argument(
        "--dry-run",
        action="store_true",
        help="simulation : liste ce qui serait créé, sans rien écrire",
    )
    prepare.add_argument(
        "--force",
        action="store_true",
        help="prépare même si le dernier import comptable est ancien",
    )
    prepare.add_argument("--json", action="store_true", help="résumé JSON en dernière ligne")
    prepare.set_defaults(run=cmd_prepare)

    letters = commands.add_parser(
        "letters", help="imprime les courriers à échéance en un PDF et les passe « Réalisée »"
    )
    letters.add_argument("--date", help="date des courriers (défaut : aujourd'hui)")
    letters.add_argument("--out", required=True, help="fichier PDF à écrire")
    letters.add_argument(
        "--reprint", type=int, metavar="LOT", help="réimprime à l'identique le lot n° LOT"
    )
    letters.add_argument("--company", help="société (SIREN, nom ou numéro) du lot réimprimé")
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


def cmd_prepare(args: argparse.Namespace) -> dict:
    setup()
    today = parse_date(args.date)
    if args.dry_run:
        return _dry_run(today, args.force)
    from django.core.exceptions import ValidationError

    from recouvrement.services import prepare_checked

    try:  # refused while the payments imported are too old (B12), unless --force
        summary = prepare_checked(today, force=args.force, progress=progress("Préparer"))
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from error
    print(
        f"Préparer au {today:%d/%m/%Y} : {summary.created} intervention(s) créée(s), "
        f"{summary.not_due} dossier(s) pas encore à échéance, {summary.waiting} en attente, "
        f"{summary.finished} scénario(s) terminé(s)."
    )
    if summary.disputed:  # B10: their whole open balance is in litige
        print(f"{summary.disputed} {HELD_IN_DISPUTE} (tout leur solde est en litige).")
    if summary.promises_kept or summary.promises_broken:
        print(
            f"Promesses : {summary.promises_kept} tenue(s), "
            f"{summary.promises_broken} non tenue(s) (alerte créée)."
        )
    for skipped in summary.skipped:  # the step is there, without its penalties
        print(f"Dossier {skipped['dossier']} : {skipped['reason']}")
    for company, refreshed in refresh_companies(today):  # B11 (never in a dry run)
        print(f"{company.name} — {refreshed.line}")
    return {"date": today.isoformat(), **summary.as_json()}  # "disputed" when any (B10)


def _dry_run(today, force: bool) -> dict:
    """`prepare --dry-run`: what the run would create, per dossier, nothing written (B12)."""
    from recouvrement.services import dry_run_prepare

    run = dry_run_prepare(today, force=force)
    print(f"Simulation de Préparer au {today:%d/%m/%Y} (rien n'est enregistré) :")
    for stale in run.stale:
        print(f"{'Refusé' if run.refused else 'Forcé'} — {stale.message}")
    for action in run.actions:
        print(
            f"{action.dossier_number} {action.customer_code} — {action.label} "
            f"({action.channel}) : {format_amount(action.amount)} → {action.recipient}"
        )
    for group in run.groups:
        print(f"{group.channel} : {group.count} action(s), {format_amount(group.amount)}")
    print(f"{len(run.actions)} intervention(s) seraient créées, {format_amount(run.amount)}.")
    if run.disputed:
        print(
            f"Montants réclamés {OUT_OF_DISPUTE} ({format_amount(run.disputed)} en litige "
            "non réclamés)."
        )
    if run.summary.disputed:
        print(f"{run.summary.disputed} {HELD_IN_DISPUTE} :")
        for held in run.held:
            print(
                f"{held.dossier_number} {held.customer_code} — En litige : "
                f"{format_amount(held.disputed)}"
            )
    if run.refused:
        print("Sans --force, Préparer refusera de les créer.")
    return run.as_json()


def cmd_letters(args: argparse.Namespace) -> dict:
    """Print the letters due; the PDF is written and fsynced before they are marked (§8)."""
    setup()
    out = Path(args.out)
    if problem := target_problem(out):
        raise CommandError(f"{problem} Aucun courrier imprimé.")
    if args.reprint is not None:
        return _reprint(args.reprint, args.company, out)
    today = parse_date(args.date)
    from django.core.exceptions import ValidationError

    from recouvrement.db.models import Company
    from recouvrement.services.letters import print_due_letters

    companies = list(Company.objects.order_by("pk"))
    printed = pages = 0
    skipped: list[dict[str, str]] = []
    for company in companies:
        target = out if len(companies) == 1 else out.with_stem(f"{out.stem}-{company.pk}")
        try:
            result = print_due_letters(
                company, today=today, deliver=lambda pdf, path=target: write_durably(path, pdf)
            )
        except ValidationError as error:  # not rendered, or the PDF not written: none marked
            message = "; ".join(error.messages)
            raise CommandError(f"{company} : aucun courrier imprimé — {message}") from error
        if result is None:
            continue
        for left_out in result.skipped:  # the others print: one line each, and in the JSON
            print(left_out.line)
            skipped.append(left_out.as_json())
        if result.batch is None:
            continue
        printed += len(result.interventions)
        pages += result.batch.pages
        count = len(result.interventions)
        print(
            f"{company} : {count} courrier(s), {result.batch.pages} page(s) → {target} "
            f"(lot n° {result.batch.pk})"
        )
    if skipped:
        print(f"{len(skipped)} courrier(s) non imprimé(s) : ils restent « A faire ».")
    elif not printed:
        print(f"Aucun courrier à imprimer au {today:%d/%m/%Y}.")
    return {
        "date": today.isoformat(),
        "printed": printed,
        "pages": pages,
        "out": str(out),
        "skipped": skipped,
    }


def _reprint(number: int, company_name: str | None, out: Path) -> dict:
    """`letters --reprint LOT`: a kept print batch, byte for byte, once its SHA-256 checks."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from recouvrement.cli.imports import _company as company_named
    from recouvrement.services.print_batches import batch_pdf, find_batch

    company = company_named(company_name) if company_name else None
    try:
        batch = find_batch(number, company=company)
        pdf = batch_pdf(batch)
    except ValidationError as error:
        raise CommandError("; ".join(error.messages)) from error
    try:
        write_durably(out, pdf)
    except OSError as error:
        raise CommandError(f"Le PDF « {out} » n'a pas pu être écrit ({reason(error)}).") from error
    printed_at = timezone.localtime(batch.printed_at)
    print(
        f"Lot n° {batch.pk} de {batch.company} réimprimé : {batch.letters} courrier(s), "
        f"{batch.pages} page(s), imprimé le {printed_at:%d/%m/%Y à %H:%M} → {out}"
    )
    return {
        "reprint": batch.pk,
        "company": batch.company_id,
        "letters": batch.letters,
        "pages": batch.pages,
        "sha256": batch.sha256,
        "out": str(out),
    }


def cmd_send_emails(args: argparse.Namespace) -> dict:
    setup()
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
    setup()
    today = parse_date(args.date)
    from recouvrement.db.models import Company
    from recouvrement.domain.money import parse_amount
    from recouvrement.domain.rules import RuleViolation
    from recouvrement.services import open_overdue_dossiers

    try:  # « 1 500,00 » or 1500.00; not NaN, inf, negative nor beyond the money columns
        minimum = parse_amount(args.min_amount, "montant minimum") if args.min_amount else None
    except RuleViolation as violation:
        raise CommandError(violation.message) from None
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
