"""The dossier list and the dossier page show the same « Frais et pénalités » and « Solde »."""

from decimal import Decimal

from recouvrement.db.models import Intervention
from recouvrement.db.queries import dossier_page, dossier_rows
from recouvrement.domain.statuses import InterventionStatus
from tests.builders import a_customer, a_dossier, a_receivable, a_scenario


def test_list_and_page_count_every_fee_but_only_the_latest_penalty(team):
    customer = a_customer(team.company)
    dossier = a_dossier(
        customer,
        scenario=a_scenario(team.company),
        receivables=[a_receivable(customer, "1000.00", open_amount="800.00")],
    )
    first = dossier.interventions.get()
    Intervention.objects.filter(pk=first.pk).update(
        fee_amount=Decimal("15.00"),
        penalty_amount=Decimal("20.00"),
        status=InterventionStatus.DONE,  # only interventions done charge (issue 11 §5)
        done_date=first.planned_date,
    )
    later = Intervention.objects.create(
        dossier=dossier,
        company=team.company,
        kind="manual",
        label="Relevé",
        planned_date=first.planned_date.replace(day=20),
        fee_amount=Decimal("5.00"),
        penalty_amount=Decimal("31.40"),
        status=InterventionStatus.DONE,
        done_date=first.planned_date.replace(day=20),
    )

    row = dossier_rows(team.company).get(pk=dossier.pk)
    page = dossier_page(team.company, dossier.pk)

    assert later.penalty_amount == Decimal("31.40")
    assert row.charges == page.figures.charges == Decimal("51.40")  # 15 + 5 + 31,40
    assert row.balance == page.figures.balance == Decimal("851.40")
    assert row.payments == page.figures.payments == Decimal("200.00")
