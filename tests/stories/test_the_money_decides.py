"""Story: the accounts come in every week; dossiers and promises follow the money (B3–B5)."""

import io
from datetime import date
from decimal import Decimal

from recouvrement import services
from recouvrement.bench.fec import HEADER
from recouvrement.db.models import Customer, Dossier
from recouvrement.db.worklist import worklist_rows
from recouvrement.domain.statuses import DossierStatus, InterventionKind, InterventionStatus
from recouvrement.services.imports import import_accounting_file
from tests.builders import a_scenario

DONE, SKIPPED, TODO = InterventionStatus.DONE, InterventionStatus.SKIPPED, InterventionStatus.TODO


def fec(*entries: tuple) -> io.BytesIO:
    """A FEC of the customer's lines: (date, piece, debit, credit, letter)."""
    rows = ["\t".join(HEADER)]
    for number, (day, piece, debit, credit, letter) in enumerate(entries, start=1):
        journal = "VE" if debit else "BQ"
        rows.append(
            f"{journal}\tJournal\t{number}\t{day:%Y%m%d}\t41100000\tClients\tCLI0042\t"
            f"Brasserie des Canuts SARL\t{piece}\t{day:%Y%m%d}\t{piece}\t{debit or '0,00'}\t"
            f"{credit or '0,00'}\t{letter}\t{day:%Y%m%d}\t{day:%Y%m%d}\t\t"
        )
    return io.BytesIO("\n".join(rows).encode("utf-8"))


INVOICES = (
    (date(2026, 8, 10), "FA-2026-0311", "1500,00", "", "AA"),
    (date(2026, 8, 24), "FA-2026-0350", "900,00", "", "AB"),
)


def test_payments_keep_a_promise_break_another_and_close_the_dossier(team):
    manager, sophie = team.manager, team.collector_user
    a_scenario(team.company, name="Relance standard", is_default=True)

    # 1 October: the first FEC. Two unpaid invoices of a customer we did not know.
    today = date(2026, 10, 1)
    report = import_accounting_file(team.company, fec(*INVOICES), today=today, user=manager)
    assert (report.customers_created, report.receivables_created) == (1, 2)
    customer = Customer.objects.get(code="CLI0042")
    customer.default_collector = team.collector
    customer.save()

    # 2 October: one click opens a dossier for the overdue échéances (B5), Sophie's.
    today = date(2026, 10, 2)
    [dossier] = services.open_overdue_dossiers(team.company, today=today, user=manager).opened
    assert (dossier.collector, dossier.links.count()) == (team.collector, 2)
    email = dossier.interventions.get(status=TODO)
    services.set_intervention_status(email, DONE, today=today, user=sophie)

    # 12 October, on the phone: 1 500 € by 5 November.
    today = date(2026, 10, 12)
    assert services.prepare_due(today).created == 1
    call = dossier.interventions.get(status=TODO)
    services.set_intervention_status(call, DONE, today=today, user=sophie)
    promise = services.create_intervention(
        dossier,
        InterventionKind.PROMISE,
        today=today,
        user=sophie,
        planned_date=date(2026, 11, 5),
        promise_amount=Decimal("1500.00"),
    )

    # 4 November: the week's FEC shows the transfer of the 3rd, lettered to the first invoice.
    today = date(2026, 11, 4)
    report = import_accounting_file(
        team.company,
        fec(*INVOICES, (date(2026, 11, 3), "VIR-8812", "", "1500,00", "AA")),
        today=today,
        user=manager,
    )
    assert (report.payments, report.receivables_closed, report.promises_kept) == (1, 1, 1)
    promise.refresh_from_db()
    assert (promise.status, promise.promise_kept, promise.done_date) == (
        DONE,
        True,
        date(2026, 11, 3),
    )
    assert "Promesse tenue : 1\u202f500,00\u00a0€ reçus au 03/11/2026" in promise.comment
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.OPEN  # 900 € still due

    # The same day she calls about the rest: 900 € by 20 November.
    second = services.create_intervention(
        dossier,
        InterventionKind.PROMISE,
        today=today,
        user=sophie,
        planned_date=date(2026, 11, 20),
        promise_amount=Decimal("900.00"),
    )
    assert services.prepare_due(date(2026, 11, 6)).created == 0  # the letter waits for it

    # Only 300 € come, on the 18th.
    week = (*INVOICES, (date(2026, 11, 3), "VIR-8812", "", "1500,00", "AA"))
    week += ((date(2026, 11, 18), "CHQ-1204", "", "300,00", "AB"),)
    import_accounting_file(team.company, fec(*week), today=date(2026, 11, 19), user=manager)
    assert services.prepare_due(date(2026, 11, 20)).promises_broken == 0  # it is still time

    # 21 November: the batch finds the promise broken, raises the alert, the scenario resumes.
    today = date(2026, 11, 21)
    summary = services.prepare_due(today)
    assert (summary.promises_broken, summary.created) == (1, 1)
    second.refresh_from_db()
    assert (second.status, second.promise_kept) == (SKIPPED, False)
    assert second.comment == (
        "Promesse non tenue : 300,00\u00a0€ reçus sur 900,00\u00a0€ promis pour le 20/11/2026."
    )
    page = worklist_rows(team.company, today, collector_id=team.collector.pk)
    assert sorted((row.label, row.planned_date) for row in page.rows) == [
        ("Courrier de relance", date(2026, 11, 21)),
        ("Promesse non tenue", date(2026, 11, 21)),
    ]

    # 28 November: the rest is paid. The dossier closes « Payé », nothing is left to do.
    today = date(2026, 11, 28)
    week += ((date(2026, 11, 26), "VIR-9020", "", "600,00", "AB"),)
    report = import_accounting_file(team.company, fec(*week), today=today, user=manager)
    assert report.dossiers_closed == [dossier.number]
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert (dossier.status, dossier.resolution.label) == (DossierStatus.CLOSED, "Payé")
    assert not dossier.interventions.filter(status=TODO).exists()
    assert worklist_rows(team.company, today, collector_id=team.collector.pk).rows == []
    actions = list(dossier.journal.values_list("action", flat=True))
    assert actions.count("receivables_imported") == 3
    assert (actions.count("promise_kept"), actions.count("promise_broken")) == (1, 1)
    assert actions[-1] == "dossier_closed"
