"""B5 split in two (issue 13 §4): `overdue_opening_preview` reads, `open_overdue_dossiers`
writes what it showed, never a second open dossier for a customer."""

from datetime import date

from recouvrement import cli, services
from recouvrement.db.models import Dossier, JournalEntry
from tests.builders import a_customer, a_dossier, a_receivable, a_scenario

TODAY = date(2026, 11, 27)


def test_the_preview_writes_nothing_and_the_run_opens_what_it_showed(team):
    scenario = a_scenario(team.company, is_default=True)
    own = a_customer(team.company, default_collector=team.collector)
    a_receivable(own, "1200.00", date(2026, 9, 1))
    orphan = a_customer(team.company)
    a_receivable(orphan, "300.00", date(2026, 10, 1))
    journal = JournalEntry.objects.count()

    preview = services.overdue_opening_preview(team.company, today=TODAY)

    assert [(r.customer, r.count, r.collector) for r in preview.rows] == [
        (own, 1, team.collector),
        (orphan, 1, None),
    ]
    assert (preview.scenario, preview.unassigned) == (scenario, 1)
    assert (Dossier.objects.count(), JournalEntry.objects.count()) == (0, journal)

    summary = services.open_overdue_dossiers(
        team.company,
        today=TODAY,
        user=team.manager,
        collectors={orphan.pk: team.other_collector},
        confirmed={row.customer.pk: row.fingerprint for row in preview.rows},
    )

    assert {(d.customer, d.collector) for d in summary.opened} == {
        (own, team.collector),
        (orphan, team.other_collector),
    }
    assert summary.changed == []


def test_the_command_never_opens_a_second_dossier_for_a_followed_customer(team, capsys):
    customer = a_customer(team.company)
    a_dossier(customer, receivables=[a_receivable(customer, "500.00", date(2026, 8, 1))])
    a_receivable(customer, "250.00", date(2026, 11, 1))  # late since, in no dossier

    preview = services.overdue_opening_preview(team.company, today=TODAY)
    code = cli.main(["open-dossiers", "--date", "2026-11-27", "--json"])

    assert [row.customer for row in preview.followed] == [customer]
    assert preview.rows == []
    assert code == 0
    assert '"opened": 0' in capsys.readouterr().out.splitlines()[-1]
    assert customer.dossiers.count() == 1
