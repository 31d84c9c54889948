"""`recouvrement priority [--date D] [--company C] [--json]`: the suggested priority (B11) of
every open dossier computed on a date and stored (services.priority), as `prepare` does at the
end of its run; prints the counts per priority and the most urgent dossiers."""

import argparse

from recouvrement.cli.base import CommandError, parse_date, setup
from recouvrement.cli.imports import _company

MOST_URGENT_SHOWN = 10


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "priority",
        help="priorité suggérée : recalcule et enregistre celle de chaque dossier ouvert (B11)",
    )
    command.add_argument("--date", help="date de calcul (AAAA-MM-JJ ou JJ/MM/AAAA), défaut : jour")
    command.add_argument("--company", help="société (SIREN, nom ou numéro), défaut : toutes")
    command.add_argument("--json", action="store_true", help="résultat JSON en dernière ligne")
    command.set_defaults(run=cmd_priority)


def cmd_priority(args: argparse.Namespace) -> dict:
    setup()
    on = parse_date(args.date)
    companies = [_company(args.company)] if args.company else None
    results = []
    for company, summary in refresh_companies(on, companies):
        print(f"{company.name} — {summary.line}")
        urgent = _most_urgent(company)
        for number, customer, priority, score, reasons in urgent:
            print(f"  {number} {customer} : priorité {priority} (score {score}) — {reasons}")
        results.append(
            {
                "company": company.name,
                **summary.as_json(),
                "most_urgent": [
                    {"dossier": number, "priority": priority, "score": score, "reasons": reasons}
                    for number, _, priority, score, reasons in urgent
                ],
            }
        )
    return {"date": on.isoformat(), "companies": results}


def refresh_companies(on, companies=None) -> list:
    """(company, RefreshSummary) for each company (all of them by default): `prepare` calls
    it at the end of a real run."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from recouvrement.db.models import Company
    from recouvrement.services import refresh_priorities

    if companies is None:
        companies = list(Company.objects.order_by("pk"))
    done = []
    for company in companies:
        try:
            done.append((company, refresh_priorities(company, today=on, user=None)))
        except (ValidationError, PermissionDenied) as refusal:
            messages = getattr(refusal, "messages", [str(refusal)])
            raise CommandError(f"{company} : {' '.join(messages)}") from None
    return done


def _most_urgent(company) -> list[tuple]:
    from recouvrement.services.priority import most_urgent

    return most_urgent(company, MOST_URGENT_SHOWN)
