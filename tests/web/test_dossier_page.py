"""The dossier page, read-only: header, figures, échéances and the « Interventions » tab (S1)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recouvrement import services
from recouvrement.db.models import Allocation, Payment
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus
from tests.builders import (
    a_company,
    a_contact,
    a_customer,
    a_dossier,
    a_receivable,
    a_scenario,
)
from tests.web.pages import table_headers

INTERVENTION_COLUMNS = [
    "Date",
    "Étape",
    "Type d'action",
    "Statut",
    "Chargé",
    "Contact",
    "Commentaire",
    "Document",
]
TODAY = date(2026, 11, 2)


@pytest.fixture
def documents(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"


def _phone_calls(dossier, count: int, *, users, contact=None) -> list:
    return [
        services.create_intervention(
            dossier,
            InterventionKind.MANUAL,
            today=TODAY,
            user=users[n % len(users)],
            planned_date=date(2026, 11, 3 + n % 20),
            label=f"Appel {n}",
            action_type=ActionType.PHONE,
            contact=contact,
            comment="Rappeler le service comptable",
        )
        for n in range(count)
    ]


def test_the_dossier_page_lists_the_interventions_with_the_seeds_columns(client, team):
    customer = a_customer(team.company, code="CLI0042", name="Boulangerie Durand")
    dossier = a_dossier(
        customer, user=team.manager, scenario=a_scenario(team.company, name="Standard B2B")
    )
    client.force_login(team.collector_user)

    response = client.get(reverse("dossier_detail", args=[dossier.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert INTERVENTION_COLUMNS in table_headers(page)
    assert '<span class="badge badge-todo">A faire</span>' in page
    assert "E-mail de relance courtoise" in page
    assert "Interventions" in page
    assert dossier.number in page
    assert "Boulangerie Durand" in page
    assert "Standard B2B" in page


def test_the_dossier_page_shows_the_figures_and_the_echeances(client, team):
    customer = a_customer(team.company)
    receivables = [
        a_receivable(customer, amount="1000.00", due_date=date(2026, 9, 30)),
        a_receivable(customer, amount="2500.00", open_amount="500.00"),
    ]
    scenario = a_scenario(team.company)
    scenario.steps.filter(order=1).update(fee_amount=Decimal("40.00"))
    dossier = a_dossier(customer, user=team.manager, scenario=scenario, receivables=receivables)
    # A step's fee counts in « Frais et pénalités » once the step is done (issue 11 §5).
    dossier.interventions.update(status=InterventionStatus.DONE, done_date=date(2026, 11, 2))
    client.force_login(team.manager)

    response = client.get(reverse("dossier_detail", args=[dossier.pk]))

    page = response.content.decode()
    assert ["Pièce", "Date", "Échéance", "Montant", "Reste dû"] in table_headers(page)
    assert receivables[0].reference in page
    assert "30/09/2026" in page
    for label in ("Factures", "Règlements", "Frais et pénalités", "Solde"):
        assert label in page
    figures = response.context["page"].figures
    assert (figures.invoices, figures.payments, figures.charges, figures.balance) == (
        Decimal("3500.00"),
        Decimal("2000.00"),
        Decimal("40.00"),
        Decimal("1540.00"),
    )
    assert "3\u202f500,00\u00a0€" in page
    assert "1\u202f540,00\u00a0€" in page


def test_the_dossier_page_lists_the_reglements_paid_on_its_echeances(client, team):
    customer = a_customer(team.company)
    first, second = a_receivable(customer, "600.00"), a_receivable(customer, "900.00")
    dossier = a_dossier(customer, user=team.manager, receivables=[first, second])
    payment = Payment.objects.create(
        company=team.company,
        customer=customer,
        date=date(2026, 11, 18),
        amount=Decimal("750.00"),
        reference="VIR-8812",
        origin="import",
    )
    Allocation.objects.create(payment=payment, receivable=first, amount=Decimal("600.00"))
    Allocation.objects.create(payment=payment, receivable=second, amount=Decimal("150.00"))
    client.force_login(team.manager)

    page = client.get(reverse("dossier_detail", args=[dossier.pk])).content.decode()

    assert ["Date", "Référence", "Imputé sur", "Montant imputé"] in table_headers(page)
    assert page.count('VIR-8812 <span class="muted">(import comptable)</span>') == 2
    assert "18/11/2026" in page and "150,00\u00a0€" in page


def test_an_attached_document_shows_a_paperclip_and_its_name(client, team, documents):
    dossier = a_dossier(a_customer(team.company), user=team.manager, collector=team.collector)
    (call,) = _phone_calls(dossier, 1, users=[team.collector_user])
    services.attach_document(
        call,
        user=team.collector_user,
        name="accuse-reception.pdf",
        content=b"%PDF-1.4 accuse",
        content_type="application/pdf",
    )
    client.force_login(team.collector_user)

    page = client.get(reverse("dossier_detail", args=[dossier.pk])).content.decode()

    assert "📎" in page
    assert "accuse-reception.pdf" in page


def test_the_statuses_read_a_faire_realisee_and_ignoree(client, team):
    dossier = a_dossier(a_customer(team.company), user=team.manager)
    done, skipped, _ = _phone_calls(dossier, 3, users=[team.manager])
    services.set_intervention_status(done, InterventionStatus.DONE, today=TODAY, user=team.manager)
    services.set_intervention_status(
        skipped, InterventionStatus.SKIPPED, today=TODAY, user=team.manager
    )
    client.force_login(team.manager)

    page = client.get(reverse("dossier_detail", args=[dossier.pk])).content.decode()

    assert '<span class="badge badge-done">Réalisée</span>' in page
    assert '<span class="badge badge-skipped">Ignorée</span>' in page
    assert '<span class="badge badge-todo">A faire</span>' in page


def test_the_charge_column_names_the_collaborator_of_the_user(client, team):
    dossier = a_dossier(a_customer(team.company), user=team.manager, collector=team.collector)
    _phone_calls(dossier, 1, users=[team.collector_user])
    client.force_login(team.manager)

    response = client.get(reverse("dossier_detail", args=[dossier.pk]))

    assert "Claire Martin" in response.content.decode()


def test_a_dossier_of_another_company_is_not_found(client, team):
    foreign = a_dossier(a_customer(a_company(name="Autre Société")))
    client.force_login(team.manager)

    response = client.get(reverse("dossier_detail", args=[foreign.pk]))

    assert response.status_code == 404


def test_the_dossier_page_reads_as_many_queries_with_many_interventions_as_with_one(
    client, team, documents, django_assert_max_num_queries
):
    customer = a_customer(team.company)
    contact = a_contact(customer)
    scenario = a_scenario(team.company)
    small = a_dossier(customer, user=team.manager, scenario=scenario, collector=team.collector)
    large = a_dossier(
        customer,
        user=team.manager,
        scenario=scenario,
        collector=team.collector,
        contact=contact,
        receivables=[a_receivable(customer) for _ in range(5)],
    )
    calls = _phone_calls(large, 30, users=[team.manager, team.collector_user], contact=contact)
    services.attach_document(
        calls[0], user=team.manager, name="relevé.pdf", content=b"%PDF", content_type="x/pdf"
    )
    client.force_login(team.collector_user)
    with CaptureQueriesContext(connection) as baseline:
        client.get(reverse("dossier_detail", args=[small.pk]))

    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(reverse("dossier_detail", args=[large.pk]))

    assert response.status_code == 200
    assert len(response.context["page"].interventions) == 31


def test_the_historique_tab_shows_the_journal_newest_first(client, team):
    dossier = a_dossier(a_customer(team.company), scenario=a_scenario(team.company))
    services.set_intervention_status(
        dossier.interventions.get(), "done", today=dossier.start_date, user=team.manager
    )
    client.force_login(team.manager)

    html = client.get(reverse("dossier_detail", args=[dossier.pk])).content.decode()

    history = html[html.index('id="historique"') :]
    assert "Historique" in html
    assert history.index("A faire → Réalisée") < history.index(f"Dossier {dossier.number} ouvert")


def test_the_dossier_header_puts_the_debtor_at_hand_phone_and_e_mail_links(client, team):
    customer = a_customer(team.company, phone="04 78 42 17 30", email="compta@perrin.fr")
    contact = a_contact(customer, phone="+33 6 12 34 56 78", email="b.perrin@perrin.fr")
    dossier = a_dossier(customer, user=team.manager, contact=contact)
    bare = a_dossier(a_customer(team.company), user=team.manager)
    client.force_login(team.collector_user)

    page = client.get(reverse("dossier_detail", args=[dossier.pk])).content.decode()
    empty = client.get(reverse("dossier_detail", args=[bare.pk])).content.decode()

    assert '<a href="tel:+33612345678">+33 6 12 34 56 78</a>' in page
    assert '<a href="tel:0478421730">04 78 42 17 30</a>' in page
    assert '<a href="mailto:b.perrin@perrin.fr">b.perrin@perrin.fr</a>' in page
    assert '<a href="mailto:compta@perrin.fr">compta@perrin.fr</a>' in page
    assert "tel:" not in empty and "mailto:" not in empty
