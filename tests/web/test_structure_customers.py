"""« Structure › Clients »: the list, the form and its contacts (M2)."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from recouvrement.db.models import Contact, Customer, JournalEntry, LegalRate
from recouvrement.domain.money import format_amount
from tests.builders import a_company, a_contact, a_customer, a_dossier, a_receivable

FORM = {
    "code": "C0042",
    "name": "Boulangerie Dupont",
    "kind": "b2b",
    "address": "3 rue des Lilas",
    "postal_code": "69003",
    "city": "Lyon",
    "email": "compta@dupont.example.fr",
    "phone": "04 72 11 22 33",
    "payment_terms_days": "45",
    "excluded_from_penalties": "on",
}


def contacts(*rows: dict, initial: int = 0) -> dict:
    data = {
        "contacts-TOTAL_FORMS": str(len(rows)),
        "contacts-INITIAL_FORMS": str(initial),
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"contacts-{index}-{name}": value for name, value in row.items()})
    return data


def test_the_manager_creates_a_client_with_two_contacts(client, team):
    client.force_login(team.manager)

    response = client.post(
        reverse("customer_create"),
        {
            **FORM,
            "default_collector": team.collector.pk,
            **contacts(
                {"civility": "Madame", "last_name": "Dupont", "function": "Gérante"},
                {"last_name": "Petit", "first_name": "Luc", "email": "luc@dupont.example.fr"},
            ),
        },
    )

    assert response.status_code == 302
    customer = Customer.objects.get(code="C0042")
    assert customer.company == team.company
    assert customer.payment_terms_days == 45
    assert customer.default_collector == team.collector
    assert customer.excluded_from_penalties and not customer.excluded_from_collection
    assert sorted(customer.contacts.values_list("last_name", flat=True)) == ["Dupont", "Petit"]


def test_the_manager_edits_a_client_renames_a_contact_and_deletes_a_used_one(client, team):
    customer = a_customer(team.company, code="C0042")
    kept = a_contact(customer, last_name="Durand")
    used = a_contact(customer, last_name="Ancien")
    dossier = a_dossier(customer, contact=used)
    client.force_login(team.manager)

    response = client.post(
        reverse("customer_edit", args=[customer.pk]),
        {
            **FORM,
            "name": "Boulangerie Dupont et fils",
            **contacts(
                {"contact_id": kept.pk, "last_name": "Durand-Roux"},
                {"contact_id": used.pk, "last_name": "Ancien", "DELETE": "on"},
                {"last_name": "Nouveau"},
                initial=2,
            ),
        },
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    dossier.refresh_from_db()
    assert customer.name == "Boulangerie Dupont et fils"
    assert sorted(customer.contacts.values_list("last_name", flat=True)) == [
        "Durand-Roux",
        "Nouveau",
    ]
    assert dossier.contact is None


def test_a_duplicate_code_is_refused_and_nothing_is_saved(client, team):
    a_customer(team.company, code="C0042")
    client.force_login(team.manager)

    response = client.post(
        reverse("customer_create"), {**FORM, **contacts({"last_name": "Dupont"})}
    )

    assert response.status_code == 400
    assert "Un client porte déjà ce code" in response.content.decode()
    assert Customer.objects.filter(code="C0042").count() == 1
    assert not Contact.objects.filter(last_name="Dupont").exists()


def test_a_collectors_post_is_refused_with_403(client, team):
    customer = a_customer(team.company, name="Avant")
    client.force_login(team.collector_user)

    response = client.post(reverse("customer_edit", args=[customer.pk]), {**FORM, **contacts()})

    customer.refresh_from_db()
    assert response.status_code == 403
    assert customer.name == "Avant"


def test_a_collector_reads_the_client_page(client, team):
    customer = a_customer(team.company, name="Boulangerie Dupont")
    client.force_login(team.collector_user)

    response = client.get(reverse("customer_edit", args=[customer.pk]))

    assert response.status_code == 200
    assert "Boulangerie Dupont" in response.content.decode()


def test_another_companys_client_is_not_found(client, team):
    foreign = a_customer(a_company())
    client.force_login(team.manager)

    response = client.get(reverse("customer_edit", args=[foreign.pk]))

    assert response.status_code == 404


def test_the_list_shows_the_open_échéances_and_their_total(client, team):
    customer = a_customer(team.company, name="Boulangerie Dupont")
    a_receivable(customer, amount="1000.00")
    a_receivable(customer, amount="500.00", open_amount="234.56")
    a_receivable(customer, amount="300.00", open_amount="0")
    client.force_login(team.reader)

    page = client.get(reverse("customer_list")).content.decode()

    assert "Boulangerie Dupont" in page
    assert format_amount(Decimal("1234.56")) in page


def test_the_search_keeps_the_matching_clients(client, team):
    a_customer(team.company, code="DUP01", name="Boulangerie Dupont")
    a_customer(team.company, code="MAR01", name="Garage Martin")
    client.force_login(team.reader)

    page = client.get(reverse("customer_list"), {"q": "dupont"}).content.decode()

    assert "DUP01" in page and "MAR01" not in page


def this_semesters_legal_rate(rate: str = "3.00") -> None:
    """The page checks the rate against today's semester: publish one (floor 3 × 3 = 9 %)."""
    today = timezone.localdate()
    start = today.replace(month=1 if today.month <= 6 else 7, day=1)
    LegalRate.objects.update_or_create(
        kind="legal-pro", effective_date=start, defaults={"rate": Decimal(rate)}
    )


def test_the_manager_sets_a_contractual_rate_above_the_legal_floor(client, team):
    this_semesters_legal_rate()
    customer = a_customer(team.company, code="C0042")
    client.force_login(team.manager)

    response = client.post(
        reverse("customer_edit", args=[customer.pk]),
        {**FORM, "penalty_rate": "15,000", **contacts()},
    )

    customer.refresh_from_db()
    assert response.status_code == 302
    assert customer.contractual_penalty_rate == Decimal("15.000")


def test_a_contractual_rate_below_the_legal_floor_is_refused_and_nothing_saved(client, team):
    this_semesters_legal_rate()
    customer = a_customer(team.company, code="C0042", name="Avant")
    client.force_login(team.manager)

    response = client.post(
        reverse("customer_edit", args=[customer.pk]),
        {**FORM, "penalty_rate": "8,500", **contacts()},
    )

    customer.refresh_from_db()
    assert response.status_code == 400
    assert "minimum légal" in response.content.decode()
    assert customer.name == "Avant"
    assert customer.contractual_penalty_rate is None


def test_a_new_client_with_a_refused_rate_is_not_created_and_the_page_still_creates(client, team):
    this_semesters_legal_rate()
    client.force_login(team.manager)

    response = client.post(
        reverse("customer_create"),
        {**FORM, "penalty_rate": "8,500", **contacts({"last_name": "Dupont"})},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "minimum légal" in page
    assert f'action="{reverse("customer_create")}"' in page
    assert not Customer.objects.filter(code="C0042").exists()
    assert not Contact.objects.filter(last_name="Dupont").exists()


def test_a_collectors_new_client_page_is_refused_with_the_rules_message(client, team):
    client.force_login(team.collector_user)

    response = client.get(reverse("customer_create"))

    assert response.status_code == 403
    assert "Seul un responsable recouvrement peut créer un client." in response.content.decode()


def test_the_siren_typed_with_spaces_is_stored_checked_shown_formatted_and_journaled(client, team):
    customer = a_customer(team.company, code="C0042")
    client.force_login(team.manager)
    url = reverse("customer_edit", args=[customer.pk])

    response = client.post(url, {**FORM, "siren": " 801 587 858 ", **contacts()})

    customer.refresh_from_db()
    assert response.status_code == 302
    assert customer.siren == "801587858"
    assert 'value="801 587 858"' in client.get(url).content.decode()
    entry = JournalEntry.objects.filter(action="customer_changed").latest("pk")
    assert "SIREN" in entry.message
    assert (entry.before["siren"], entry.after["siren"]) == ("", "801587858")

    cleared = client.post(url, {**FORM, "siren": "", **contacts()})  # optional: blank allowed

    customer.refresh_from_db()
    assert cleared.status_code == 302 and customer.siren == ""


def test_a_siren_with_a_wrong_key_or_length_is_refused_in_french_and_nothing_saved(client, team):
    customer = a_customer(team.company, code="C0042", name="Avant", siren="801587858")
    client.force_login(team.manager)
    url = reverse("customer_edit", args=[customer.pk])

    wrong_key = client.post(url, {**FORM, "siren": "801 587 859", **contacts()})
    too_short = client.post(url, {**FORM, "siren": "80158", **contacts()})
    new = client.post(
        reverse("customer_create"), {**FORM, "code": "C0099", "siren": "123456789", **contacts()}
    )

    assert wrong_key.status_code == too_short.status_code == new.status_code == 400
    assert "Le SIREN « 801 587 859 » n&#x27;est pas valide (clé de contrôle erronée)." in (
        wrong_key.content.decode()
    )
    assert "Le SIREN « 80158 » doit compter 9 chiffres." in too_short.content.decode()
    assert "Le SIREN « 123456789 » n&#x27;est pas valide" in new.content.decode()
    assert f'action="{reverse("customer_create")}"' in new.content.decode()
    customer.refresh_from_db()
    assert (customer.name, customer.siren) == ("Avant", "801587858")
    assert Customer.objects.filter(company=team.company).count() == 1
