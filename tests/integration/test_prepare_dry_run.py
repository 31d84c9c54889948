"""B12: `prepare --dry-run` writes nothing and lists what the real run creates; `prepare`
refuses to send or print on payments imported too long ago, unless forced."""

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from recouvrement import cli, services
from recouvrement.db.models import (
    AccountingImport,
    Dossier,
    Intervention,
    JournalEntry,
    OutgoingEmail,
)
from recouvrement.db.models.imports import ImportFormat, ImportStatus
from recouvrement.domain.statuses import ActionType, DossierStatus, InterventionStatus
from recouvrement.services.company_settings import CompanySettings
from recouvrement.services.dry_run import stale_imports
from tests.builders import a_contact, a_customer, a_dossier, a_receivable, a_scenario

OPENED = date(2026, 11, 2)
RUN = date(2026, 11, 20)
STEPS = [
    (0, ActionType.PHONE, "Appel"),
    (5, ActionType.EMAIL, "E-mail de relance"),
    (5, ActionType.LETTER, "Courrier de relance"),
]
TO_LITIGATION = [(0, ActionType.PHONE, "Appel"), (3, ActionType.FORMAL_NOTICE, "Mise en demeure")]


def phone_done(dossier: Dossier) -> None:
    todo = dossier.interventions.get(status=InterventionStatus.TODO)
    services.set_intervention_status(todo, InterventionStatus.DONE, today=OPENED, user=None)


def due_dossiers(team) -> dict[str, Dossier]:
    """An e-mail to a contact, an e-mail without any address, a formal notice that moves its
    dossier to « Contentieux », and a dossier whose call is still « A faire »."""
    company = team.company
    scenario = a_scenario(company, steps=STEPS)
    litigation = a_scenario(company, steps=TO_LITIGATION)
    litigation.steps.filter(order=2).update(sets_dossier_status=DossierStatus.LITIGATION)
    emailed = a_customer(company, email="compta@client.fr")
    contact = a_contact(emailed, email="anne.durand@client.fr")
    noticed = a_customer(company, name="Bâtiment Morel", postal_code="69002", city="Lyon")
    dossiers = {
        "email": a_dossier(emailed, scenario=scenario, contact=contact),
        "no_address": a_dossier(a_customer(company, email=""), scenario=scenario),
        "notice": a_dossier(
            noticed, scenario=litigation, receivables=[a_receivable(noticed, "800.00")]
        ),
    }
    for dossier in dossiers.values():
        phone_done(dossier)
    dossiers["waiting"] = a_dossier(a_customer(company), scenario=scenario)
    return dossiers


def counts() -> tuple:
    return (
        Intervention.objects.count(),
        JournalEntry.objects.count(),
        OutgoingEmail.objects.count(),
        sorted(Dossier.objects.values_list("pk", "status")),
    )


def an_import(company, days_ago: int, *, on: date = RUN, status=ImportStatus.APPLIED):
    applied = timezone.make_aware(datetime.combine(on - timedelta(days=days_ago), time(9)))
    return AccountingImport.objects.create(
        company=company,
        status=status,
        applied_at=applied if status == ImportStatus.APPLIED else None,
        file="imports/fec.txt",
        original_name="fec.txt",
        size=10,
        sha256="0" * 64,
        file_format=ImportFormat.FEC,
    )


def test_the_dry_run_writes_nothing_and_describes_each_action(team):
    due_dossiers(team)
    before = counts()

    run = services.dry_run_prepare(RUN)

    assert counts() == before
    assert run.summary.created == 3
    rows = {(a.label, a.channel, a.recipient) for a in run.actions}
    assert rows == {
        ("E-mail de relance", "E-mail", "anne.durand@client.fr"),
        ("E-mail de relance", "E-mail", "aucune adresse e-mail : l'étape restera « A faire »"),
        ("Mise en demeure", "Courrier", "Bâtiment Morel, 69002 Lyon"),
    }
    amounts = {a.label: a.amount for a in run.actions if a.channel == "Courrier"}
    assert amounts == {"Mise en demeure": Decimal("800.00")}
    groups = {g.channel: (g.count, g.amount) for g in run.groups}
    assert groups == {"Courrier": (1, Decimal("800.00")), "E-mail": (2, Decimal("2400.00"))}
    assert Dossier.objects.filter(status=DossierStatus.LITIGATION).count() == 0


def test_the_dry_run_and_then_the_real_run_on_the_same_date_list_the_same_actions(team):
    due_dossiers(team)

    dry = services.dry_run_prepare(RUN)
    real = services.prepare_checked(RUN)

    assert dry.summary.as_json() == real.as_json()
    created = Intervention.objects.filter(pk__in=real.intervention_ids).select_related("dossier")
    listed = {(i.dossier.number, i.label, i.action_type, i.planned_date) for i in created}
    assert listed == {
        (a.dossier_number, a.label, a.action_type.value, a.planned_date) for a in dry.actions
    }
    recipients = set(
        OutgoingEmail.objects.values_list("intervention__dossier__number", "recipient")
    )
    assert recipients == {
        (a.dossier_number, a.recipient) for a in dry.actions if a.recipient.count("@") == 1
    }
    assert Dossier.objects.filter(status=DossierStatus.LITIGATION).count() == 1
    assert services.dry_run_prepare(RUN).actions == []  # what is prepared is not listed again


def test_old_payments_refuse_the_whole_run_in_french_and_write_nothing(team):
    due_dossiers(team)
    an_import(team.company, days_ago=10)
    before = counts()

    with pytest.raises(ValidationError) as refused:
        services.prepare_checked(RUN)

    assert refused.value.messages == [
        "Dernier import comptable le 10/11/2026, il y a 10 jours (plus de 7) : importez les "
        "règlements avant de relancer, ou forcez avec --force."
    ]
    assert counts() == before
    dry = services.dry_run_prepare(RUN)
    assert dry.refused and len(dry.actions) == 3  # what a forced run would create
    assert not services.dry_run_prepare(RUN, force=True).refused


def test_forced_the_run_prepares_all_the_same(team):
    due_dossiers(team)
    an_import(team.company, days_ago=30)

    assert services.prepare_checked(RUN, force=True).created == 3


@pytest.mark.parametrize(
    ("days_ago", "max_days", "status"),
    [
        (7, 7, ImportStatus.APPLIED),  # the limit itself is still fresh
        (30, 0, ImportStatus.APPLIED),  # 0: no check
        (30, 7, ImportStatus.PREVIEW),  # a preview imported nothing: as if never imported
    ],
)
def test_fresh_payments_no_check_and_no_import_ever_let_the_run_through(
    team, days_ago, max_days, status
):
    due_dossiers(team)
    team.company.max_import_age_days = max_days
    team.company.save()
    an_import(team.company, days_ago=days_ago, status=status)

    assert services.prepare_checked(RUN).created == 3


def test_a_company_that_never_imported_is_not_checked(team):
    due_dossiers(team)

    assert stale_imports(RUN) == []
    assert services.prepare_checked(RUN).created == 3


def test_the_manager_sets_the_age_and_a_value_out_of_range_is_refused(team):
    wanted = CompanySettings.of(team.company)
    services.save_company_settings(
        team.company,
        CompanySettings(**{**wanted.__dict__, "max_import_age_days": 3}),
        today=RUN,
        user=team.manager,
    )
    team.company.refresh_from_db()
    assert team.company.max_import_age_days == 3
    entry = JournalEntry.objects.filter(action="company_settings_changed").last()
    assert "âge maximal du dernier import comptable" in entry.message

    with pytest.raises(ValidationError, match="va de 0 à 365 jours"):
        services.save_company_settings(
            team.company,
            CompanySettings(**{**wanted.__dict__, "max_import_age_days": 400}),
            today=RUN,
            user=team.manager,
        )


def test_a_collector_may_not_simulate(team):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.dry_run_prepare(RUN, company=team.company, user=team.collector_user)


# --- The command line ---------------------------------------------------------------------


def last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def test_prepare_dry_run_json_lists_the_actions_and_writes_nothing(team, capsys):
    due_dossiers(team)
    before = counts()

    code = cli.main(["prepare", "--date", "20/11/2026", "--dry-run", "--json"])

    assert code == 0
    assert counts() == before
    out = capsys.readouterr().out
    assert "Simulation de Préparer au 20/11/2026 (rien n'est enregistré)" in out
    result = last_json(out)
    assert (result["dry_run"], result["refused"], result["created"]) == (True, False, 3)
    assert result["by_channel"] == {
        "Courrier": {"count": 1, "amount": "800.00"},
        "E-mail": {"count": 2, "amount": "2400.00"},
    }
    assert {a["step"] for a in result["actions"]} == {"E-mail de relance", "Mise en demeure"}


def test_prepare_refuses_old_payments_unless_forced(team, capsys):
    due_dossiers(team)
    an_import(team.company, days_ago=12)

    refused = cli.main(["prepare", "--date", "2026-11-20", "--json"])
    err = capsys.readouterr().err
    forced = cli.main(["prepare", "--date", "2026-11-20", "--force", "--json"])

    assert refused == 2
    assert "Dernier import comptable le 08/11/2026, il y a 12 jours (plus de 7)" in err
    assert forced == 0
    assert last_json(capsys.readouterr().out)["created"] == 3


def test_the_dry_run_says_the_real_run_would_be_refused(team, capsys):
    due_dossiers(team)
    an_import(team.company, days_ago=12)

    code = cli.main(["prepare", "--date", "2026-11-20", "--dry-run", "--json"])

    out = capsys.readouterr().out
    assert code == 0
    assert "Refusé — Dernier import comptable le 08/11/2026" in out
    assert "Sans --force, Préparer refusera de les créer." in out
    assert last_json(out)["refused"] is True


@pytest.mark.django_db(transaction=True)
def test_outside_any_transaction_the_dry_run_commits_nothing_either(team):
    due_dossiers(team)
    before = counts()

    assert len(services.dry_run_prepare(RUN).actions) == 3

    assert counts() == before


# --- Litiges (B10): left out of the amounts, wholly disputed dossiers not advanced ---------


def disputed_dossiers(team) -> dict[str, Dossier]:
    """`due_dossiers`, the formal notice's 800 € wholly in litige, and an e-mail dossier of
    1 000 € + 700 €, the 700 € in litige."""
    from tests.integration.test_disputes import a_reason

    dossiers = due_dossiers(team)
    customer = a_customer(team.company, email="compta@partiel.fr")
    kept, contested = a_receivable(customer, "1000.00"), a_receivable(customer, "700.00")
    scenario = dossiers["email"].scenario
    dossiers["partial"] = a_dossier(customer, scenario=scenario, receivables=[kept, contested])
    phone_done(dossiers["partial"])
    reason = a_reason(team.company)
    for dossier, amount, named in (
        (dossiers["notice"], "800.00", []),
        (dossiers["partial"], "700.00", [contested]),
    ):
        services.open_dispute(
            dossier,
            reason=reason,
            amount=Decimal(amount),
            receivables=named,
            today=OPENED,
            user=None,
        )
    return dossiers


def test_the_dry_run_leaves_the_disputed_echeances_out_and_names_the_dossiers_held(team):
    dossiers = disputed_dossiers(team)

    run = services.dry_run_prepare(RUN)

    assert (run.summary.created, run.summary.disputed) == (3, 1)
    partial = next(a for a in run.actions if a.dossier_id == dossiers["partial"].pk)
    assert (partial.amount, partial.disputed) == (Decimal("1000.00"), Decimal("700.00"))
    assert run.disputed == Decimal("700.00")
    assert [(h.dossier_number, h.disputed) for h in run.held] == [
        (dossiers["notice"].number, Decimal("800.00"))
    ]
    assert "Mise en demeure" not in {a.label for a in run.actions}
    real = services.prepare_checked(RUN)
    assert real.disputed == 1 and real.created == 3


def test_prepare_prints_and_carries_the_dossiers_held_in_dispute(team, capsys):
    disputed_dossiers(team)

    code = cli.main(["prepare", "--date", "20/11/2026", "--json"])

    out = capsys.readouterr().out
    assert code == 0
    assert "1 dossier(s) en litige non avancé(s) (tout leur solde est en litige)." in out
    assert last_json(out)["disputed"] == 1


def test_without_any_dispute_neither_the_text_nor_the_json_speak_of_it(team, capsys):
    due_dossiers(team)

    cli.main(["prepare", "--date", "20/11/2026", "--json"])

    out = capsys.readouterr().out
    assert "en litige" not in out
    assert "disputed" not in last_json(out)


def test_prepare_dry_run_lists_the_dossiers_held_and_the_amount_left_out(team, capsys):
    dossiers = disputed_dossiers(team)

    cli.main(["prepare", "--date", "20/11/2026", "--dry-run", "--json"])

    out = capsys.readouterr().out.replace("\u202f", " ").replace("\xa0", " ")
    notice = dossiers["notice"]
    assert "1 dossier(s) en litige non avancé(s) :" in out
    assert f"{notice.number} {notice.customer.code} — En litige : 800,00 €" in out
    assert "Montants réclamés hors montants en litige (700,00 € en litige non réclamés)." in out
    result = last_json(out)
    assert result["disputed"] == 1
    assert result["held_in_dispute"] == [
        {"dossier": notice.number, "customer": notice.customer.code, "disputed": "800.00"}
    ]
    partial = next(a for a in result["actions"] if a["dossier"] == dossiers["partial"].number)
    assert (partial["amount"], partial["disputed"]) == ("1000.00", "700.00")
