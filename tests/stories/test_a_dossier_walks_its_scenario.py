"""Stories: a credit controller's weeks, with `today` moving through a whole scenario."""

from datetime import date, timedelta
from decimal import Decimal

from recouvrement import services
from recouvrement.domain.statuses import DossierStatus, InterventionKind, InterventionStatus
from tests.builders import a_contact, a_customer, a_dossier, a_receivable, a_scenario

DONE, SKIPPED, TODO = InterventionStatus.DONE, InterventionStatus.SKIPPED, InterventionStatus.TODO


def rows(dossier):
    """The « Interventions » tab as the user reads it: (Date, Étape, Statut)."""
    return [
        (i.planned_date, i.label, InterventionStatus(i.status).label)
        for i in dossier.interventions.order_by("planned_date", "id")
    ]


def test_sophie_follows_a_dossier_from_opening_to_closing(team):
    sophie = team.collector_user
    customer = a_customer(team.company, name="Boulangerie Des Terreaux SARL")
    contact = a_contact(customer, last_name="Lefèvre", first_name="Paul")
    scenario = a_scenario(team.company, name="Relance standard")
    today = date(2026, 10, 1)

    # The dossier opens: the first step appears at once, « A faire » (S2).
    dossier = a_dossier(
        customer,
        today=today,
        scenario=scenario,
        user=sophie,
        collector=team.collector,
        contact=contact,
        receivables=[a_receivable(customer, "2450.00", date(2026, 8, 31))],
    )
    assert rows(dossier) == [(today, "E-mail de relance courtoise", "A faire")]

    # She writes in the entry line and sets it « Réalisée » (S3, S4).
    email = dossier.interventions.get()
    services.update_intervention(email, user=sophie, comment="Envoyé au service comptable")
    services.set_intervention_status(email, DONE, today=today, user=sophie)

    # The nightly batch prepares nothing until the phone call is due 10 days later (B1).
    assert services.prepare_due(today + timedelta(days=9)).created == 0
    assert services.prepare_due(today + timedelta(days=10)).created == 1
    today += timedelta(days=10)
    call = dossier.interventions.get(status=TODO)
    assert (call.label, call.planned_date) == ("Téléphone", date(2026, 10, 11))

    # On the phone the customer promises to pay 1 000 € by the 25th (S11).
    services.set_intervention_status(call, DONE, today=today, user=sophie)
    services.create_intervention(
        dossier,
        InterventionKind.PROMISE,
        today=today,
        user=sophie,
        planned_date=date(2026, 10, 25),
        promise_amount=Decimal("1000.00"),
        contact=contact,
    )

    # The letter step (J+15 → 26/10) waits for the promise: nothing before the 26th.
    assert services.prepare_due(date(2026, 10, 25)).created == 0
    today = date(2026, 10, 26)
    summary = services.prepare_due(today)
    assert (summary.promises_broken, summary.created) == (1, 1)
    letter = dossier.interventions.get(kind="step", status=TODO)
    assert (letter.label, letter.planned_date) == ("Courrier de relance", date(2026, 10, 26))

    # No money came: the batch found the promise broken (B3) and raised an alert.
    promise = dossier.interventions.get(kind="promise")
    assert (promise.status, promise.promise_kept) == (SKIPPED, False)
    alert = dossier.interventions.get(kind="alert")
    assert (alert.label, alert.planned_date, alert.status) == ("Promesse non tenue", today, TODO)

    # She reads the alert, skips the letter and prepares the formal notice by hand.
    services.set_intervention_status(alert, DONE, today=today, user=sophie)
    services.set_intervention_status(letter, SKIPPED, today=today, user=sophie)
    notice = services.prepare_next_intervention(dossier, today=today, user=sophie)
    assert (notice.label, notice.planned_date) == ("Mise en demeure", date(2026, 11, 10))

    # Sent on the 10th: the scenario is finished, and closing the dossier frees the échéance.
    today = date(2026, 11, 10)
    services.set_intervention_status(notice, DONE, today=today, user=sophie)
    assert services.prepare_due(date(2027, 1, 1)).created == 0
    services.close_dossier(dossier, today=date(2026, 11, 30), user=sophie, result="Payé")

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.CLOSED
    assert rows(dossier) == [
        (date(2026, 10, 1), "E-mail de relance courtoise", "Réalisée"),
        (date(2026, 10, 11), "Téléphone", "Réalisée"),
        (date(2026, 10, 25), "Promesse de règlement de 1\u202f000,00\u00a0€", "Ignorée"),
        (date(2026, 10, 26), "Promesse non tenue", "Réalisée"),
        (date(2026, 10, 26), "Courrier de relance", "Ignorée"),
        (date(2026, 11, 10), "Mise en demeure", "Réalisée"),
    ]
    actions = list(dossier.journal.values_list("action", flat=True))
    assert actions.count("intervention_prepared") == 4
    assert actions.count("intervention_status_changed") == 5
    assert actions.count("promise_broken") == 1
    assert actions.count("email_no_address") == 1  # the builder's customer has no e-mail
    assert (actions[0], actions[-1], len(actions)) == ("dossier_opened", "dossier_closed", 16)
