"""« Modifier le dossier » through the service (issue 13 §1, M7, M9): each field, who may
change what, a change of scenario, the échéances added and removed, every change journaled."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from recouvrement import services
from recouvrement.db.models import DisputeReason, DossierReceivable, Intervention, JournalEntry
from recouvrement.domain.statuses import (
    ActionType,
    DossierStatus,
    InterventionKind,
    InterventionStatus,
)
from recouvrement.services import DossierChanges, update_dossier
from tests.builders import (
    a_collector,
    a_company,
    a_contact,
    a_customer,
    a_dossier,
    a_receivable,
    a_scenario,
)

TODAY = date(2026, 11, 2)
LATER = date(2026, 11, 20)
CALL_FIRST = [(3, ActionType.PHONE, "Appel au client"), (10, ActionType.LETTER, "Relance")]


def change(dossier, user, **fields):
    return update_dossier(dossier, today=LATER, user=user, changes=DossierChanges(**fields))


def last_change(dossier) -> JournalEntry:
    return JournalEntry.objects.filter(dossier=dossier, action="dossier_changed").latest("id")


@pytest.fixture
def dossier(team):
    customer = a_customer(team.company)
    return a_dossier(
        customer, user=team.manager, collector=team.collector, scenario=a_scenario(team.company)
    )


def test_the_priority_changes_is_journaled_and_the_worklist_follows(team, dossier):
    update = change(dossier, team.collector_user, priority=1)

    dossier.refresh_from_db()
    assert dossier.priority == 1
    assert update.message == "Dossier modifié : priorité 3 → 1."
    entry = last_change(dossier)
    assert (entry.before, entry.after, entry.user) == (
        {"priority": 3},
        {"priority": 1},
        team.collector_user,
    )
    step = dossier.interventions.get(status=InterventionStatus.TODO)
    assert step.queue_priority == 1


def test_a_manager_hands_the_dossier_to_another_collector(team, dossier):
    change(dossier, team.manager, collector=team.other_collector)

    dossier.refresh_from_db()
    assert dossier.collector == team.other_collector
    assert dossier.interventions.get(status=InterventionStatus.TODO).queue_collector_id == (
        team.other_collector.pk
    )
    entry = last_change(dossier)
    assert entry.before == {"collector_id": team.collector.pk}
    assert entry.after == {"collector_id": team.other_collector.pk}
    assert "chargé Claire Martin → Claire Benali" in entry.message


def test_a_collector_may_not_hand_their_dossier_to_someone_else(team, dossier):
    with pytest.raises(ValidationError, match="Seul un responsable recouvrement peut changer"):
        change(dossier, team.collector_user, collector=team.other_collector, priority=1)

    dossier.refresh_from_db()
    assert (dossier.collector, dossier.priority) == (team.collector, 3)
    assert not JournalEntry.objects.filter(action="dossier_changed").exists()


def test_a_collector_may_not_change_another_collectors_dossier(team, dossier):
    with pytest.raises(PermissionDenied, match="suivi par un autre chargé"):
        change(dossier, team.other_collector_user, priority=1)


def test_consultation_changes_nothing(team, dossier):
    with pytest.raises(PermissionDenied, match="Consultation"):
        change(dossier, team.reader, summary="Vu")


def test_contact_dispute_reason_summary_comment_and_status_in_one_journal_row(team, dossier):
    contact = a_contact(dossier.customer, last_name="Durand", first_name="Anne")
    reason = DisputeReason.objects.create(company=team.company, label="Prix contesté")

    update = change(
        dossier,
        team.collector_user,
        contact=contact,
        dispute_reason=reason,
        summary="Conteste la facture de mars",
        comment="Rappeler après le 15.",
        status=DossierStatus.LITIGATION,
    )

    dossier.refresh_from_db()
    assert (dossier.contact, dossier.dispute_reason, dossier.status) == (
        contact,
        reason,
        DossierStatus.LITIGATION,
    )
    assert (dossier.summary, dossier.comment) == (
        "Conteste la facture de mars",
        "Rappeler après le 15.",
    )
    assert update.message == (
        "Dossier modifié : contact — → Madame Anne Durand ; motif de litige — → Prix contesté"
        " ; statut En cours → Contentieux ; résumé modifié ; commentaire modifié."
    )
    entry = last_change(dossier)
    assert entry.before == {
        "contact_id": None,
        "dispute_reason_id": None,
        "status": "open",
        "summary": "",
        "comment": "",
    }
    assert entry.after["status"] == "litigation"
    assert entry.after["summary"] == "Conteste la facture de mars"


def test_back_from_contentieux_to_en_cours(team, dossier):
    change(dossier, team.manager, status=DossierStatus.LITIGATION)
    change(dossier, team.manager, status=DossierStatus.OPEN)

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.OPEN


def test_closing_is_not_a_status_change_here(team, dossier):
    with pytest.raises(ValidationError, match="« Clore le dossier »"):
        change(dossier, team.manager, status=DossierStatus.CLOSED)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"priority": 0}, "La priorité va de 1"),
        ({"priority": 6}, "La priorité va de 1"),
        ({"summary": "x" * 101}, "Résumé : 101 caractères, 100 au plus"),
        ({"comment": "a\x00b"}, r"Commentaire : caractère de contrôle U\+0000"),
    ],
)
def test_bad_values_are_refused_in_french(team, dossier, fields, message):
    with pytest.raises(ValidationError, match=message):
        change(dossier, team.manager, **fields)


def test_a_contact_of_another_customer_is_refused(team, dossier):
    stranger = a_contact(a_customer(team.company))

    with pytest.raises(ValidationError, match="n'est pas un contact du client"):
        change(dossier, team.manager, contact=stranger)


def test_a_collector_of_another_company_is_refused(team, dossier):
    foreign = a_collector(a_company(name="Autre SAS"))

    with pytest.raises(PermissionDenied, match="appartient à une autre société"):
        change(dossier, team.manager, collector=foreign)


def test_a_new_scenario_skips_the_old_step_and_plans_its_first_one(team, dossier):
    old_step = dossier.interventions.get(status=InterventionStatus.TODO)
    new = a_scenario(team.company, steps=CALL_FIRST, name="Grands comptes")

    update = change(dossier, team.collector_user, scenario=new)

    old_step.refresh_from_db()
    assert (old_step.status, old_step.done_date) == (InterventionStatus.SKIPPED, LATER)
    created = dossier.interventions.get(status=InterventionStatus.TODO)
    assert (created.label, created.planned_date) == ("Appel au client", LATER + timedelta(3))
    assert created.step.scenario == new
    assert "scénario " in update.message and "→ Grands comptes" in update.message
    messages = list(
        JournalEntry.objects.filter(dossier=dossier)
        .order_by("id")
        .values_list("message", flat=True)
    )
    assert messages[-3:] == [
        update.message,
        "« E-mail de relance courtoise » : A faire → Ignorée (changement de scénario).",
        "Étape « Appel au client » préparée, prévue le 23/11/2026 : téléphone à réaliser.",
    ]


def test_without_scenario_the_pending_step_is_skipped_and_nothing_is_planned(team, dossier):
    change(dossier, team.manager, scenario=None)

    assert not dossier.interventions.filter(status=InterventionStatus.TODO).exists()
    assert dossier.interventions.get().status == InterventionStatus.SKIPPED


def test_a_new_scenario_leaves_manual_interventions_alone(team, dossier):
    call = services.create_intervention(
        dossier,
        InterventionKind.MANUAL,
        today=TODAY,
        user=team.manager,
        planned_date=TODAY,
        label="Appel libre",
        action_type=ActionType.PHONE,
    )

    change(dossier, team.manager, scenario=a_scenario(team.company, steps=CALL_FIRST))

    assert Intervention.objects.get(pk=call.pk).status == InterventionStatus.TODO


def test_echeances_are_added_from_the_customers_free_ones(team, dossier):
    free = a_receivable(dossier.customer, amount="300.00")

    update = change(dossier, team.collector_user, add_receivables=[free])

    assert DossierReceivable.objects.get(dossier=dossier, receivable=free).is_active
    assert update.message == f"Dossier modifié : échéance ajoutée : {free.reference}."
    assert last_change(dossier).after == {"receivables_added": [free.pk]}


@pytest.mark.parametrize("case", ["in_open_dossier", "paid", "other_customer"])
def test_an_echeance_that_is_not_free_is_refused(team, dossier, case):
    customer = dossier.customer
    if case == "in_open_dossier":
        receivable = a_receivable(customer)
        a_dossier(customer, receivables=[receivable], user=team.manager)
        message = "déjà dans le dossier ouvert"
    elif case == "paid":
        receivable = a_receivable(customer, open_amount="0.00")
        message = "est soldée"
    else:
        receivable = a_receivable(a_customer(team.company))
        message = "n'est pas une échéance du client"

    with pytest.raises(ValidationError, match=message):
        change(dossier, team.manager, add_receivables=[receivable])


def test_an_echeance_removed_leaves_the_dossier_and_is_free_again(team, dossier):
    first = dossier.receivables.get()
    second = a_receivable(dossier.customer)
    change(dossier, team.manager, add_receivables=[second])

    update = change(dossier, team.manager, remove_receivables=[first])

    assert list(dossier.receivables.all()) == [second]
    assert f"échéance retirée : {first.reference}" in update.message
    assert last_change(dossier).before == {"receivables_removed": [first.pk]}
    reopened = a_dossier(dossier.customer, receivables=[first], user=team.manager)
    assert list(reopened.receivables.all()) == [first]


def test_the_last_echeance_cannot_be_removed(team, dossier):
    only = dossier.receivables.get()

    with pytest.raises(ValidationError, match="au moins une échéance"):
        change(dossier, team.manager, remove_receivables=[only])

    assert list(dossier.receivables.all()) == [only]


def test_the_last_echeance_can_be_swapped_for_another(team, dossier):
    only = dossier.receivables.get()
    other = a_receivable(dossier.customer)

    change(dossier, team.manager, remove_receivables=[only], add_receivables=[other])

    assert list(dossier.receivables.all()) == [other]


def test_removing_an_echeance_not_in_the_dossier_is_refused(team, dossier):
    with pytest.raises(ValidationError, match="n'est pas dans le dossier"):
        change(dossier, team.manager, remove_receivables=[a_receivable(dossier.customer)])


def test_a_closed_dossier_cannot_be_modified(team, dossier):
    services.close_dossier(dossier, today=TODAY, user=team.manager)

    with pytest.raises(ValidationError, match="Le dossier est clos"):
        change(dossier, team.manager, priority=1)


def test_nothing_changed_writes_nothing(team, dossier):
    rows = JournalEntry.objects.count()

    update = change(dossier, team.manager, priority=3, summary="", scenario=dossier.scenario)

    assert update.message == ""
    assert JournalEntry.objects.count() == rows
