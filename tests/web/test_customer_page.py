"""« Fiche client » (issue 13 §2): identity, contacts, open échéances, dossiers, règlements
and journal of one customer; readable by every role of its company only; reached from the
dossier page and the lists by the client's name."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recouvrement import services
from recouvrement.db.models import Allocation, Payment, Receivable
from recouvrement.domain.statuses import ActionType, InterventionKind, Role
from tests.builders import (
    a_company,
    a_contact,
    a_customer,
    a_dossier,
    a_user,
)
from tests.web.pages import table_headers
from tests.web.test_structure_customers import FORM, contacts

TODAY = timezone.localdate()


def section(html: str, anchor: str) -> str:
    """The text of the page's section `id=anchor`, tags dropped, spaces folded."""
    found = re.search(rf'<section[^>]*id="{anchor}".*?</section>', html, re.DOTALL)
    assert found, f"no section #{anchor}"
    text = re.sub(r"<[^>]+>", " ", found.group(0))
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def page_of(client, user, customer) -> str:
    client.force_login(user)
    response = client.get(reverse("customer_detail", args=[customer.pk]))
    assert response.status_code == 200
    return response.content.decode()


def a_receivable_on(customer, reference: str, amount: str, days_late: int, open_amount=None):
    due = TODAY - timedelta(days=days_late)
    return Receivable.objects.create(
        company=customer.company,
        customer=customer,
        reference=reference,
        piece_date=due - timedelta(days=30),
        due_date=due,
        amount=Decimal(amount),
        open_amount=Decimal(open_amount if open_amount is not None else amount),
    )


def a_payment(customer, reference: str, amount: str, *on: tuple[Receivable, str]) -> Payment:
    """A règlement allocated to échéances, the way the imports record it."""
    payment = Payment.objects.create(
        company=customer.company,
        customer=customer,
        date=TODAY - timedelta(days=3),
        amount=Decimal(amount),
        reference=reference,
    )
    for receivable, allocated in on:
        Allocation.objects.create(payment=payment, receivable=receivable, amount=Decimal(allocated))
    return payment


@pytest.fixture
def durand(team):
    customer = a_customer(
        team.company,
        code="CLI0042",
        name="Boulangerie Durand",
        address="3 rue des Lilas",
        postal_code="69003",
        city="Lyon",
        phone="04 78 42 17 30",
        email="compta@durand.example.fr",
        payment_terms_days=45,
        default_collector=team.collector,
        siren="801587858",
    )
    a_contact(
        customer,
        last_name="Durand",
        first_name="Anne",
        function="Gérante",
        phone="06 12 34 56 78",
        email="anne@durand.example.fr",
    )
    return customer


def test_the_identity_and_the_contacts_with_phone_and_email_links(client, team, durand):
    html = page_of(client, team.collector_user, durand)

    identity = section(html, "identite")
    for shown in (
        "CLI0042",
        "Boulangerie Durand",
        "Professionnel",
        "SIREN 801 587 858",
        "3 rue des Lilas",
        "69003 Lyon",
        "Claire Martin",
        "45 jours",
    ):
        assert shown in identity
    assert 'href="tel:0478421730"' in html
    assert 'href="mailto:compta@durand.example.fr"' in html
    people = section(html, "contacts")
    assert "Madame Anne Durand" in people and "Gérante" in people
    assert 'href="tel:0612345678"' in html
    assert 'href="mailto:anne@durand.example.fr"' in html
    assert ["Nom", "Fonction", "Téléphone", "E-mail"] in table_headers(html)


def test_the_open_echeances_with_days_late_their_dossier_and_the_totals(client, team, durand):
    followed = a_receivable_on(durand, "FA-1001", "1234.56", days_late=40)
    a_receivable_on(durand, "FA-1002", "500.00", days_late=10, open_amount="200.00")
    a_receivable_on(durand, "FA-1003", "300.00", days_late=-15)  # not due yet
    a_receivable_on(durand, "FA-0999", "800.00", days_late=90, open_amount="0.00")  # paid
    dossier = a_dossier(durand, today=TODAY, user=team.manager, receivables=[followed])

    html = page_of(client, team.reader, durand)

    items = section(html, "echeances")
    assert [
        "Pièce",
        "Date",
        "Échéance",
        "Jours de retard",
        "Montant",
        "Reste dû",
        "Dossier",
    ] in table_headers(html)
    assert "FA-0999" not in items
    due = (TODAY - timedelta(days=40)).strftime("%d/%m/%Y")
    assert f"FA-1001 {(TODAY - timedelta(days=70)).strftime('%d/%m/%Y')} {due} 40" in items
    assert f"1 234,56 € 1 234,56 € {dossier.number}" in items
    assert "FA-1002" in items and "500,00 € 200,00 € aucun" in items
    assert "à échoir" in items
    assert "Total (3 échéances) 2 034,56 € 1 734,56 €" in items
    assert "Dont échu 1 434,56 €" in items
    assert f'href="{reverse("dossier_detail", args=[dossier.pk])}"' in html


def test_every_dossier_of_the_customer_with_its_balance_and_the_total(client, team, durand):
    closed = a_dossier(
        durand,
        today=TODAY,
        user=team.manager,
        receivables=[a_receivable_on(durand, "FA-2001", "100.00", days_late=60)],
    )
    services.close_dossier(closed, today=TODAY, user=team.manager)
    current = a_dossier(
        durand,
        today=TODAY,
        user=team.manager,
        collector=team.other_collector,
        receivables=[a_receivable_on(durand, "FA-2002", "750.00", days_late=20)],
    )
    other = a_dossier(a_customer(team.company), today=TODAY, user=team.manager)

    html = page_of(client, team.collector_user, durand)

    dossiers = section(html, "dossiers")
    assert closed.number in dossiers and current.number in dossiers
    assert other.number not in dossiers
    assert "Clos" in dossiers and "En cours" in dossiers
    assert "Claire Benali" in dossiers
    assert "Solde des dossiers 850,00 €" in dossiers
    assert "Dossiers en cours 1" in section_figures(html)


def section_figures(html: str) -> str:
    found = re.search(r'<section class="figures".*?</section>', html, re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


def test_the_payments_with_their_allocations_and_the_total(client, team, durand):
    first = a_receivable_on(durand, "FA-3001", "1000.00", days_late=30, open_amount="400.00")
    second = a_receivable_on(durand, "FA-3002", "250.00", days_late=20, open_amount="0.00")
    a_payment(durand, "VIR 4471", "850.00", (first, "600.00"), (second, "250.00"))
    a_payment(durand, "CHQ 12", "120.00")  # not allocated yet
    a_payment(a_customer(team.company), "VIR AUTRE", "99.00")

    html = page_of(client, team.collector_user, durand)

    payments = section(html, "reglements")
    assert "VIR 4471" in payments and "CHQ 12" in payments
    assert "VIR AUTRE" not in payments
    assert "FA-3001 : 600,00 €" in payments and "FA-3002 : 250,00 €" in payments
    assert "Total (2 règlements) 970,00 € 120,00 €" in payments


def test_the_journal_holds_the_customers_dossiers_and_its_own_rows(client, team):
    client.force_login(team.manager)
    client.post(
        reverse("customer_create"),
        {**FORM, **contacts({"last_name": "Dupont"})},
    )
    customer = team.company.customers.get(code=FORM["code"])
    dossier = a_dossier(customer, today=TODAY, user=team.manager)
    services.create_intervention(
        dossier,
        InterventionKind.MANUAL,
        today=TODAY,
        user=team.manager,
        planned_date=TODAY,
        label="Appeler la gérante",
        action_type=ActionType.PHONE,
    )
    elsewhere = a_dossier(a_customer(team.company, name="Autre client"), user=team.manager)

    html = page_of(client, team.reader, customer)

    journal = section(html, "journal")
    assert "Client « C0042 — Boulangerie Dupont » créé" in journal
    assert "fiche client" in journal
    assert dossier.number in journal
    assert "Appeler la gérante" in journal
    assert elsewhere.number not in journal
    assert "Autre client" not in journal


def test_the_journal_holds_the_customers_file_imports_that_created_or_changed_it(client, team):
    services.import_customers_file(
        team.company,
        io.BytesIO(b"Code;Nom;Type\nC1;Dupont SARL;B2B\nC2;Martin SA;B2B\n"),
        user=team.manager,
        name="clients-janvier.csv",
    )
    services.import_customers_file(
        team.company,
        io.BytesIO("Code;Nom;Type;Délai de paiement\nC2;Martin SA;B2B;60\n".encode()),
        user=team.manager,
        name="clients-fevrier.csv",
    )
    first, second = (team.company.customers.get(code=code) for code in ("C1", "C2"))

    once = section(page_of(client, team.reader, first), "journal")
    twice = section(page_of(client, team.reader, second), "journal")

    assert "clients-janvier.csv" in once and "clients-fevrier.csv" not in once
    assert "clients-janvier.csv" in twice and "clients-fevrier.csv" in twice


def test_any_role_reads_it_only_the_manager_is_offered_to_edit_the_record(client, team, durand):
    edit = reverse("customer_edit", args=[durand.pk])
    statement = reverse("customer_statement", args=[durand.pk])

    for user in (team.reader, team.collector_user):
        html = page_of(client, user, durand)
        assert "Relevé de compte (PDF)" in html and f'action="{statement}"' in html
        assert edit not in html
    manager_page = page_of(client, team.manager, durand)
    assert f'href="{edit}"' in manager_page and "Modifier la fiche" in manager_page
    customers = reverse("customer_list")
    assert f'class="menu-item is-active" href="{customers}">Clients</a>' in manager_page


def test_another_companys_customer_is_not_found(client, team):
    stranger = a_customer(a_company(name="Autre SARL"), name="Client d'ailleurs")
    client.force_login(team.manager)

    assert client.get(reverse("customer_detail", args=[stranger.pk])).status_code == 404
    assert client.get(reverse("customer_statement", args=[stranger.pk])).status_code == 404
    assert client.get(reverse("customer_detail", args=[999_999])).status_code == 404


def test_a_user_of_another_company_does_not_see_ours(client, team, durand):
    other = a_company(name="Autre SARL")
    client.force_login(a_user(other, Role.READ_ONLY, "voisin"))

    assert client.get(reverse("customer_detail", args=[durand.pk])).status_code == 404


def test_the_page_of_a_customer_of_500_echeances_takes_a_fixed_number_of_queries(
    client, team, durand
):
    small = a_customer(team.company)
    a_receivable_on(small, "FA-1", "10.00", days_late=5)
    a_dossier(small, today=TODAY, user=team.manager)
    Receivable.objects.bulk_create(
        Receivable(
            company=team.company,
            customer=durand,
            reference=f"FA-{n:05d}",
            piece_date=TODAY - timedelta(days=100 + n % 60),
            due_date=TODAY - timedelta(days=n % 60),
            amount=Decimal("100.00"),
            open_amount=Decimal("100.00"),
        )
        for n in range(500)
    )
    a_dossier(
        durand,
        today=TODAY,
        user=team.manager,
        receivables=list(Receivable.objects.filter(customer=durand)[:200]),
    )
    client.force_login(team.collector_user)
    client.get(reverse("customer_detail", args=[small.pk]))  # session, workspace warmed up

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("customer_detail", args=[small.pk]))
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("customer_detail", args=[durand.pk]))

    assert response.status_code == 200
    assert len(response.context["page"].open_items.rows) == 500
    assert "Total (500 échéances) 50 000,00 € 50 000,00 €" in section(
        response.content.decode(), "echeances"
    )
    # eight for the page, the rest the session, the user, the workspace and the menu
    assert len(many) == len(few) <= 16


def test_the_client_name_links_to_its_page_from_the_dossier_and_the_lists(client, team, durand):
    dossier = a_dossier(
        durand,
        today=TODAY - timedelta(days=20),
        user=team.manager,
        collector=team.collector,
        receivables=[a_receivable_on(durand, "FA-5001", "640.00", days_late=30)],
    )
    services.create_intervention(
        dossier,
        InterventionKind.MANUAL,
        today=TODAY - timedelta(days=20),
        user=team.manager,
        planned_date=TODAY - timedelta(days=1),
        label="Appel",
        action_type=ActionType.PHONE,
    )
    link = f'href="{reverse("customer_detail", args=[durand.pk])}"'
    client.force_login(team.manager)

    pages = {
        "dossier_detail": client.get(reverse("dossier_detail", args=[dossier.pk])),
        "dossier_list": client.get(reverse("dossier_list")),
        "worklist": client.get(reverse("worklist")),
        "customer_list": client.get(reverse("customer_list")),
    }

    for name, response in pages.items():
        html = response.content.decode()
        assert response.status_code == 200, name
        assert link in html, name
    detail = pages["dossier_detail"].content.decode()
    assert detail.count(link) == 2  # the subtitle and the « Client » field
