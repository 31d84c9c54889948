"""`recouvrement report aged-balance|recovered|dso|promises`: the figures of « Tableau de
bord » (B6) on a terminal, from the same functions as the page (services.reports)."""

import argparse

from recouvrement.cli.base import CommandError, parse_date, setup
from recouvrement.cli.imports import _company

REPORTS = ("aged-balance", "recovered", "dso", "promises")


def register(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser(
        "report",
        help="les chiffres du tableau de bord : balance âgée, encaissements, DSO, promesses",
    )
    report.add_argument("report", choices=REPORTS, help="le chiffre à afficher")
    report.add_argument("--date", help="date d'arrêté (AAAA-MM-JJ ou JJ/MM/AAAA), défaut : jour")
    report.add_argument("--company", help="société (SIREN ou nom) s'il y en a plusieurs")
    report.add_argument("--json", action="store_true", help="résultat JSON en dernière ligne")
    report.set_defaults(run=cmd_report)


def cmd_report(args: argparse.Namespace) -> dict:
    setup()
    from django.core.exceptions import PermissionDenied, ValidationError

    from recouvrement.services import reports

    as_of = parse_date(args.date)
    company = _company(args.company)
    run = {
        "aged-balance": (reports.aged_balance_report, _print_aged),
        "recovered": (reports.recovered_report, _print_recovered),
        "dso": (reports.dso_report, _print_dso),
        "promises": (reports.promises_report, _print_promises),
    }
    compute, show = run[args.report]
    try:
        result = compute(company, as_of=as_of)
    except (ValidationError, PermissionDenied) as refusal:
        raise CommandError(" ".join(getattr(refusal, "messages", [str(refusal)]))) from None
    print(f"{company.name} — ", end="")
    show(result)
    return result.as_dict()


def _amount(value) -> str:
    from recouvrement.domain.money import format_amount

    return format_amount(value)


def _table(header: list[str], rows: list[list[str]]) -> None:
    """Left-aligned first column, the others right-aligned, each as wide as its widest cell."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("  ".join(cells).rstrip())


def _print_aged(report) -> None:
    from recouvrement.domain.reports import BUCKETS

    print(f"balance âgée au {report.as_of:%d/%m/%Y} (montants restant dus, nombre d'échéances)")

    def row(name: str, balance) -> list[str]:
        lines = [balance.lines[b.key] for b in BUCKETS]
        cells = [f"{_amount(line.amount)} ({line.count})" for line in lines]
        return [name, *cells, f"{_amount(balance.total.amount)} ({balance.total.count})"]

    whole = "Société" if report.scope.everyone else "Vos dossiers"
    rows = [row(line.name, line.balance) for line in report.by_collector]
    _table(["", *(b.label for b in BUCKETS), "Total"], [*rows, row(whole, report.company)])


def _print_recovered(report) -> None:
    print(
        f"encaissements sur les échéances suivies en dossier, du {report.start:%d/%m/%Y} "
        f"au {report.as_of:%d/%m/%Y}"
    )
    rows = [[m.label, _amount(m.amount), str(m.count)] for m in report.months]
    total = sum(m.count for m in report.months)
    _table(
        ["Mois", "Encaissé", "Règlements"], [*rows, ["Total", _amount(report.total), str(total)]]
    )


def _days(value) -> str:
    return str(value).replace(".", ",")


def _print_dso(report) -> None:
    from recouvrement.domain.reports import month_label

    prefix = "au moins " if report.at_least else ""
    print(f"DSO au {report.as_of:%d/%m/%Y} : {prefix}{_days(report.days)} jours")
    print(report.formula)
    rows = [[f"fin {month_label(p.year, p.month)}", _days(p.days)] for p in report.trend]
    rows[-1][0] = f"au {report.as_of:%d/%m/%Y}"
    _table(["Date", "DSO (jours)"], rows)


def _print_promises(report) -> None:
    f = report.figures
    print(f"promesses de règlement faites du {report.start:%d/%m/%Y} au {report.end:%d/%m/%Y}")
    rows = [
        [label, str(line.count), _amount(line.amount)]
        for label, line in (
            ("Faites", f.made),
            ("Tenues", f.kept),
            ("Non tenues", f.broken),
            ("En attente", f.pending),
        )
    ]
    _table(["", "Nombre", "Montant"], rows)
    rate = f.kept_rate
    print(f"Taux de tenue : {'—' if rate is None else _days(rate) + ' %'}")
