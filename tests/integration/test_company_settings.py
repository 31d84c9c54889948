"""« Structure › Société » (PRODUCT §9 O2) where it acts: the minimum balance to chase stops
`prepare` and `open-dossiers`, the default payment terms date the échéances of a customer the
import creates."""

import json
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from recouvrement import cli, services
from recouvrement.db.models import Company, Customer, Dossier, JournalEntry, Receivable
from recouvrement.domain.statuses import InterventionStatus
from recouvrement.services.company_settings import CompanySettings
from tests.builders import a_customer, a_dossier, a_receivable, a_scenario
from tests.integration.test_imports import fec, line
from tests.integration.test_prepare_batch import finish_current_step

OPENED = date(2026, 11, 2)
TODAY = date(2026, 11, 27)


def set_company(team, **changes) -> Company:
    """What a manager saves on « Structure › Société »."""
    wanted = replace(CompanySettings.of(team.company), **changes)
    return services.save_company_settings(team.company, wanted, today=TODAY, user=team.manager)


def last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def test_prepare_leaves_a_dossier_below_the_minimum_balance_and_counts_it(team, capsys):
    set_company(team, minimum_balance=Decimal("100.00"))
    scenario = a_scenario(team.company)
    small_customer, big_customer = a_customer(team.company), a_customer(team.company)
    small = a_dossier(
        small_customer,
        scenario=scenario,
        receivables=[a_receivable(small_customer, "1200.00", open_amount="60.00")],
    )
    big = a_dossier(big_customer, scenario=scenario)
    for dossier in (small, big):
        finish_current_step(dossier, date(2026, 11, 3), team.manager)  # Téléphone due 13/11

    code = cli.main(["prepare", "--date", "2026-11-15", "--json"])

    summary = last_json(capsys.readouterr().out)
    assert code == 0
    assert (summary["created"], summary["below_minimum"]) == (1, 1)
    assert big.interventions.filter(status=InterventionStatus.TODO).count() == 1
    assert not small.interventions.filter(status=InterventionStatus.TODO).exists()


def test_without_a_minimum_prepare_advances_every_due_dossier(team):
    customer = a_customer(team.company)
    dossier = a_dossier(
        customer,
        scenario=a_scenario(team.company),
        receivables=[a_receivable(customer, "1200.00", open_amount="0.50")],
    )
    finish_current_step(dossier, date(2026, 11, 3), team.manager)

    summary = services.prepare_due(date(2026, 11, 15))

    assert (summary.created, summary.below_minimum) == (1, 0)


def test_open_dossiers_takes_the_company_minimum_unless_the_command_gives_one(team, capsys):
    set_company(team, minimum_balance=Decimal("100.00"))
    small, big = a_customer(team.company, name="Petit"), a_customer(team.company, name="Gros")
    a_receivable(small, "80.00", date(2026, 9, 1))
    a_receivable(big, "1200.00", date(2026, 9, 1))

    first = cli.main(["open-dossiers", "--date", "2026-11-27", "--json"])
    first_summary = last_json(capsys.readouterr().out)
    second = cli.main(["open-dossiers", "--date", "2026-11-27", "--min-amount", "0", "--json"])
    second_summary = last_json(capsys.readouterr().out)

    assert (first, first_summary["opened"], first_summary["below_minimum"]) == (0, 1, 1)
    assert Dossier.objects.get(customer=big)
    assert (second, second_summary["opened"], second_summary["below_minimum"]) == (0, 1, 0)
    assert Dossier.objects.get(customer=small)


def test_the_import_gives_a_new_customer_the_company_default_payment_terms(team, tmp_path, capsys):
    set_company(team, default_payment_terms_days=45)
    known = a_customer(team.company, code="C002", payment_terms_days=60)
    path = tmp_path / "FEC.txt"
    path.write_bytes(
        fec(
            line(date(2026, 9, 1), "FA001", aux="C001", debit="1200.00", name="Nouveau client"),
            line(date(2026, 9, 1), "FA002", aux="C002", debit="300.00", name=known.name),
        )
    )

    code = cli.main(["import", str(path), "--as-of", "2026-11-30", "--json"])

    assert code == 0, capsys.readouterr()
    created = Customer.objects.get(company=team.company, code="C001")
    assert created.payment_terms_days == 45
    new_due = Receivable.objects.get(customer=created).due_date
    assert new_due == date(2026, 9, 1) + timedelta(days=45)
    known_due = Receivable.objects.get(customer=known).due_date
    assert known_due == date(2026, 9, 1) + timedelta(days=60)  # its own terms stay


def test_only_a_manager_saves_the_company_settings(team):
    wanted = replace(CompanySettings.of(team.company), name="Autre nom")

    for user in (team.collector_user, team.reader):
        with pytest.raises(PermissionDenied):
            services.save_company_settings(team.company, wanted, today=TODAY, user=user)

    assert Company.objects.get(pk=team.company.pk).name == "Atelier Rhône SAS"


def test_a_siren_already_used_by_another_company_is_refused(team):
    Company.objects.create(name="Autre SAS", city="Paris", siren="512846379")

    with pytest.raises(ValidationError, match="Une autre société porte déjà le SIREN 512 846 379"):
        set_company(team, siren="512846379")


def test_a_refused_save_changes_nothing_and_writes_no_journal_row(team):
    with pytest.raises(ValidationError, match="capital social ne peut pas être négatif"):
        set_company(team, legal_form="SAS", share_capital=Decimal("-1"))

    company = Company.objects.get(pk=team.company.pk)
    assert (company.legal_form, company.share_capital) == ("", None)
    assert not JournalEntry.objects.filter(action="company_settings_changed").exists()
