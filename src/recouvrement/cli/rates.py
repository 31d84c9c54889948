"""`recouvrement rates`: list the rate tables, add a published rate (B2, PRODUCT §9 O7)."""

import argparse

from recouvrement.cli.base import CommandError, parse_date, setup

KINDS = ("ecb", "legal-pro", "legal-part")
COLUMNS = ("BCE", "Pénalités B2B", "Légal autres", "Plancher", "Légal partic.")


def register(commands: argparse._SubParsersAction) -> None:
    rates = commands.add_parser(
        "rates", help="liste les taux BCE et de l'intérêt légal, ajoute un taux publié (B2)"
    )
    rates.add_argument(
        "--add",
        nargs=3,
        metavar=("TYPE", "DATE", "TAUX"),
        help="ajoute un taux : TYPE ecb, legal-pro (« autres cas ») ou legal-part "
        "(« particuliers »), DATE d'effet (AAAA-MM-JJ ou JJ/MM/AAAA), TAUX en % (2,15)",
    )
    rates.add_argument("--date", help="date de référence des taux manquants (défaut : aujourd'hui)")
    rates.add_argument("--json", action="store_true", help="résumé JSON en dernière ligne")
    rates.set_defaults(run=cmd_rates)


def _new_rate(values: list[str]):
    """(kind, date, rate) from the three words of --add; a French error otherwise."""
    from recouvrement.domain.rates import RateKind, parse_rate
    from recouvrement.domain.rules import RuleViolation

    kind, day, rate = values
    if kind not in KINDS:
        raise CommandError(f"Type de taux inconnu : « {kind} » (attendu : {', '.join(KINDS)}).")
    if not day.strip():
        raise CommandError("Date d'effet manquante (attendu AAAA-MM-JJ ou JJ/MM/AAAA).")
    try:
        return RateKind(kind), parse_date(day), parse_rate(rate)
    except RuleViolation as violation:
        raise CommandError(violation.message) from None


def cmd_rates(args: argparse.Namespace) -> dict:
    setup()
    today = parse_date(args.date)
    from django.core.exceptions import ValidationError

    from recouvrement.domain.rates import format_rate, plain_rate, semester_label
    from recouvrement.services.rates import add_rate, list_rates

    added = None
    if args.add:
        kind, day, rate = _new_rate(args.add)
        try:
            add_rate(kind, day, rate, user=None)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        when = (
            f"du {semester_label(day)} ({day:%d/%m/%Y})"
            if kind.per_semester
            else f"au {day:%d/%m/%Y}"
        )
        print(f"Taux ajouté : {kind.label} {when}, {format_rate(rate)}.")
        added = {"kind": kind.value, "date": day.isoformat(), "rate": plain_rate(rate)}
    overview = list_rates(today)
    if not args.add:
        _print_tables(overview)
    for missing in overview.missing:
        print(f"Taux manquant : {missing.message}.")
    if not overview.missing:
        print(f"Aucun taux manquant au {today:%d/%m/%Y}.")
    return {**({"added": added} if added else {}), **overview.as_json()}


def _print_tables(overview) -> None:
    from recouvrement.domain.rates import RateKind, format_rate

    def shown(rate) -> str:
        return format_rate(rate).replace("\u00a0", " ") if rate is not None else "manquant"

    print("Taux refi BCE (date d'effet → taux) :")
    for day, rate in overview.tables[RateKind.ECB].entries:
        print(f"  {day:%d/%m/%Y}  {shown(rate)}")
    print("Par semestre (pénalités B2B : BCE au 1er jour + 10 ; plancher : 3 × « autres cas ») :")
    print(f"  {'Semestre':<20}" + "".join(f"{title:>15}" for title in COLUMNS))
    for row in overview.semesters:
        values = (
            row.ecb,
            row.default_penalty_rate,
            row.legal_pro,
            row.contractual_floor,
            row.legal_part,
        )
        print(f"  {row.label:<20}" + "".join(f"{shown(value):>15}" for value in values))
