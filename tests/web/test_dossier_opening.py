"""« Nouveau dossier »: opening a dossier on a client's free échéances (M7, S2)."""

from django.urls import reverse

from recouvrement.db.models import Dossier
from recouvrement.domain.statuses import InterventionStatus
from tests.builders import a_contact, a_customer, a_dossier, a_receivable, a_scenario


def _offered(response) -> list[str]:
    return [r.reference for r in response.context["form"].free_receivables]


def test_the_form_offers_only_the_clients_open_echeances_outside_any_open_dossier(client, team):
    customer = a_customer(team.company)
    free = a_receivable(customer, amount="500.00")
    a_receivable(customer, amount="300.00", open_amount="0.00")  # paid
    taken = a_receivable(customer, amount="800.00")
    a_dossier(customer, user=team.manager, receivables=[taken])
    a_receivable(a_customer(team.company))  # another client's
    client.force_login(team.manager)

    response = client.get(reverse("dossier_create"), {"customer": customer.pk})

    assert _offered(response) == [free.reference]
    assert "500,00\u00a0€" in response.content.decode()


def test_the_form_proposes_the_companys_default_scenario(client, team):
    a_scenario(team.company, name="Autre")
    default = a_scenario(team.company, name="Relance standard", is_default=True)
    customer = a_customer(team.company)
    client.force_login(team.manager)

    response = client.get(reverse("dossier_create"), {"customer": customer.pk})

    assert response.context["form"]["scenario"].value() == default.pk


def test_opening_creates_the_dossier_with_its_first_step_and_shows_it(client, team):
    scenario = a_scenario(team.company)
    customer = a_customer(team.company)
    contact = a_contact(customer)
    receivable = a_receivable(customer)
    client.force_login(team.manager)

    response = client.post(
        reverse("dossier_create"),
        {
            "customer": customer.pk,
            "scenario": scenario.pk,
            "collector": team.other_collector.pk,
            "contact": contact.pk,
            "priority": 2,
            "summary": "Facture contestée en partie",
            "receivables": [receivable.pk],
        },
    )

    dossier = Dossier.objects.get(customer=customer)
    assert response.status_code == 302
    assert response["Location"] == reverse("dossier_detail", args=[dossier.pk])
    assert (dossier.priority, dossier.collector, dossier.contact) == (
        2,
        team.other_collector,
        contact,
    )
    assert list(dossier.receivables.all()) == [receivable]
    step = dossier.interventions.get()
    assert (step.step.order, step.status) == (1, InterventionStatus.TODO)


def test_an_echeance_already_in_an_open_dossier_is_refused_in_french(client, team):
    customer = a_customer(team.company)
    taken = a_receivable(customer)
    existing = a_dossier(customer, user=team.manager, receivables=[taken])
    client.force_login(team.manager)

    response = client.post(
        reverse("dossier_create"),
        {"customer": customer.pk, "priority": 3, "receivables": [taken.pk]},
    )

    assert response.status_code == 200
    assert f"est déjà dans le dossier ouvert {existing.number}" in response.content.decode()
    assert Dossier.objects.filter(customer=customer).count() == 1


def test_a_collector_may_only_choose_themself_as_chargé(client, team):
    customer = a_customer(team.company)
    client.force_login(team.collector_user)

    form = client.get(reverse("dossier_create"), {"customer": customer.pk}).context["form"]
    refused = client.post(
        reverse("dossier_create"),
        {"customer": customer.pk, "priority": 3, "collector": team.other_collector.pk},
    )

    assert list(form.fields["collector"].queryset) == [team.collector]
    assert refused.status_code == 200
    assert not Dossier.objects.filter(customer=customer).exists()


def test_a_reader_may_not_open_a_dossier(client, team):
    customer = a_customer(team.company)
    client.force_login(team.reader)

    response = client.post(reverse("dossier_create"), {"customer": customer.pk, "priority": 3})

    assert response.status_code == 403
    assert not Dossier.objects.filter(customer=customer).exists()
