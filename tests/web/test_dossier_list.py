"""« Traitement › Recouvrement › Dossiers de recouvrement »: the list, its filters and figures."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from recouvrement import services
from recouvrement.domain.statuses import InterventionKind, InterventionStatus
from tests.builders import a_company, a_customer, a_dossier, a_receivable, a_scenario
from tests.web.pages import table_headers

LIST_COLUMNS = [
    "N° dossier",
    "Client",
    "Chargé de recouvrement",
    "Priorité",
    "Suggérée",
    "Statut",
    "Date de début",
    "Factures",
    "Règlements",
    "Solde",
]


def test_the_list_shows_a_dossier_with_its_client_and_its_solde_in_french(client, team):
    customer = a_customer(team.company, code="CLI0042", name="Boulangerie Durand")
    receivable = a_receivable(customer, amount="1234.56", open_amount="1034.56")
    dossier = a_dossier(customer, user=team.manager, receivables=[receivable])
    client.force_login(team.manager)

    response = client.get(reverse("dossier_list"))

    page = response.content.decode()
    assert table_headers(page) == [LIST_COLUMNS]
    assert dossier.number in page
    assert "CLI0042" in page
    assert "Boulangerie Durand" in page
    assert "1\u202f034,56\u00a0€" in page  # Solde
    assert "200,00\u00a0€" in page  # Règlements
    assert '<span class="badge badge-open">En cours</span>' in page
    assert "02/11/2026" in page


def test_the_figures_count_each_echeance_once_whatever_the_number_of_interventions(client, team):
    scenario = a_scenario(team.company)
    scenario.steps.filter(order=1).update(fee_amount=Decimal("40.00"))
    customer = a_customer(team.company)
    receivables = [
        a_receivable(customer, amount="1000.00"),
        a_receivable(customer, amount="500.00", open_amount="300.00"),
    ]
    dossier = a_dossier(customer, user=team.manager, scenario=scenario, receivables=receivables)
    # A step's fee counts in « Frais et pénalités » once the step is done (issue 11 §5).
    dossier.interventions.update(status=InterventionStatus.DONE, done_date=date(2026, 11, 2))
    for day in (3, 4):
        services.create_intervention(
            dossier,
            InterventionKind.MANUAL,
            today=date(2026, 11, 2),
            user=team.manager,
            planned_date=date(2026, 11, day),
            label="Appel du client",
        )
    client.force_login(team.manager)

    response = client.get(reverse("dossier_list"))

    row = response.context["page"].object_list[0]
    assert (row.invoices, row.payments, row.charges, row.balance) == (
        Decimal("1500.00"),
        Decimal("200.00"),
        Decimal("40.00"),
        Decimal("1340.00"),
    )
    assert "1\u202f340,00\u00a0€" in response.content.decode()


def test_a_collector_sees_their_own_dossiers_by_default_and_can_show_all(client, team):
    own = a_dossier(a_customer(team.company), user=team.manager, collector=team.collector)
    other = a_dossier(a_customer(team.company), user=team.manager, collector=team.other_collector)
    client.force_login(team.collector_user)

    by_default = client.get(reverse("dossier_list")).content.decode()
    everything = client.get(reverse("dossier_list"), {"all": "1"}).content.decode()

    assert own.number in by_default
    assert other.number not in by_default
    assert "Tous les dossiers" in by_default
    assert own.number in everything
    assert other.number in everything


def test_a_manager_without_collaborator_sees_every_dossier(client, team):
    first = a_dossier(a_customer(team.company), user=team.manager, collector=team.collector)
    second = a_dossier(a_customer(team.company), user=team.manager, collector=team.other_collector)
    client.force_login(team.manager)

    page = client.get(reverse("dossier_list")).content.decode()

    assert first.number in page
    assert second.number in page
    assert "Mes dossiers" not in page


def test_the_status_filter_keeps_only_the_dossiers_of_that_status(client, team):
    still_open = a_dossier(a_customer(team.company), user=team.manager)
    closed = a_dossier(a_customer(team.company), user=team.manager)
    services.close_dossier(closed, today=date(2026, 11, 20), user=team.manager)
    client.force_login(team.manager)

    page = client.get(reverse("dossier_list"), {"status": "closed"}).content.decode()

    assert closed.number in page
    assert still_open.number not in page
    assert '<span class="badge badge-closed">Clos</span>' in page


def test_the_search_finds_a_dossier_by_client_name_or_code(client, team):
    wanted = a_dossier(
        a_customer(team.company, code="411DUPONT", name="Dupont Frères"), user=team.manager
    )
    other = a_dossier(a_customer(team.company, name="Martin SA"), user=team.manager)
    client.force_login(team.manager)

    by_name = client.get(reverse("dossier_list"), {"q": "dupont"}).content.decode()
    by_code = client.get(reverse("dossier_list"), {"q": "411DUP"}).content.decode()

    assert wanted.number in by_name
    assert other.number not in by_name
    assert wanted.number in by_code


def test_an_unknown_status_in_the_address_shows_every_dossier(client, team):
    dossier = a_dossier(a_customer(team.company), user=team.manager)
    client.force_login(team.manager)

    response = client.get(reverse("dossier_list"), {"status": "perdu"})

    assert response.status_code == 200
    assert dossier.number in response.content.decode()


def test_the_list_never_shows_another_companys_dossiers(client, team):
    a_dossier(a_customer(a_company(name="Autre Société"), name="Client étranger"))
    client.force_login(team.manager)

    response = client.get(reverse("dossier_list"), {"all": "1"})

    assert response.context["page"].paginator.count == 0
    assert "Client étranger" not in response.content.decode()


def test_the_list_shows_fifty_dossiers_per_page(client, team):
    customer = a_customer(team.company)
    for _ in range(51):
        a_dossier(customer, user=team.manager)
    client.force_login(team.manager)

    first = client.get(reverse("dossier_list"))
    second = client.get(reverse("dossier_list"), {"page": "2"})

    assert len(first.context["page"].object_list) == 50
    assert "Page 1 sur 2" in first.content.decode()
    assert "Suivante ›" in first.content.decode()
    assert len(second.context["page"].object_list) == 1


def test_the_list_filters_by_chargé_and_priority_and_sorts_by_balance(client, team):
    big = a_customer(team.company, name="Gros Client")
    small = a_customer(team.company, name="Petit Client")
    a_dossier(big, priority=1, collector=team.collector, receivables=[a_receivable(big, "9000.00")])
    a_dossier(
        small,
        priority=4,
        collector=team.other_collector,
        receivables=[a_receivable(small, "100.00")],
    )
    client.force_login(team.manager)
    url = reverse("dossier_list")

    by_collector = client.get(url, {"charge": team.other_collector.pk}).content.decode()
    by_priority = client.get(url, {"priorite": 1}).content.decode()
    by_balance = client.get(url, {"tri": "-solde"}).content.decode()

    assert "Petit Client" in by_collector and "Gros Client" not in by_collector
    assert "Gros Client" in by_priority and "Petit Client" not in by_priority
    assert by_balance.index("Gros Client") < by_balance.index("Petit Client")


def test_the_manager_opens_the_dossiers_of_late_customers_after_a_preview(client, team):
    late = a_customer(team.company, name="Client En Retard")
    a_receivable(late, "700.00", date(2026, 9, 1))
    client.force_login(team.manager)
    url = reverse("dossiers_open_overdue")

    preview = client.get(url)
    response = client.post(
        url,
        {
            "confirmer": "1",
            "apercu": preview.context["form"]["apercu"].value(),
            "charge_defaut": team.collector.pk,
        },
        follow=True,
    )

    assert "Client En Retard" in preview.content.decode()
    assert "1 dossier ouvert." in response.content.decode()
    assert late.dossiers.get().collector == team.collector
    client.force_login(team.collector_user)
    assert client.post(url).status_code == 403


def test_the_search_ignores_accents_and_case_and_finds_invoices_contacts_and_phones(client, team):
    from tests.builders import a_contact

    lighting = a_customer(
        team.company, name="Éclairage Cœur de Lyon", phone="04 78 42 17 30", email="compta@ecl.fr"
    )
    a_contact(lighting, last_name="Pétain-Lefèvre", first_name="Hélène", phone="06.12.34.56.78")
    invoice = a_receivable(lighting)
    wanted = a_dossier(lighting, user=team.manager, receivables=[invoice])
    other = a_dossier(a_customer(team.company, name="Martin SA"), user=team.manager)
    client.force_login(team.manager)

    def found(q: str) -> bool:
        page = client.get(reverse("dossier_list"), {"q": q}).content.decode()
        assert other.number not in page, q
        return wanted.number in page

    for q in (
        "eclairage",  # accents and case ignored
        "ÉCLAIRAGE",
        "coeur",  # the ligature « œ »
        invoice.reference.lower(),  # an invoice number of the dossier
        "lefevre",  # a contact's name, without its accents
        "helene",
        "compta@ecl",  # the client's e-mail
        "0478421730",  # the client's phone, typed without its spaces
        "04 78 42",
        "06 12 34",  # the contact's phone, written with dots
    ):
        assert found(q), q
    assert not found("eclairages")
    assert not found("0999")


def test_a_search_says_its_scope_and_offers_every_dossier_when_mine_hold_nothing(client, team):
    theirs = a_dossier(a_customer(team.company, name="Éclairage Rhône"), user=team.manager)
    client.force_login(team.collector_user)  # sees « Mes dossiers » first

    mine = client.get(reverse("dossier_list"), {"q": "eclairage"}).content.decode()
    everywhere = client.get(reverse("dossier_list"), {"q": "eclairage", "all": "1"})

    assert theirs.number not in mine
    assert "Recherche de « eclairage » dans « Mes dossiers »" in mine
    assert "chercher dans tous les dossiers" in mine and "all=1" in mine
    page = everywhere.content.decode()
    assert theirs.number in page and "dans tous les dossiers." in page
