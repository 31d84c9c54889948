"""Customers and contacts through the API (issue 14 §3): the services of « Structure › Clients »."""

from recouvrement.db.models import Customer, JournalEntry
from tests.builders import a_contact, a_customer

CUSTOMERS = "/api/v1/customers/"


def test_list_pages_by_cursor_and_filters(team, call):
    for n in range(5):
        a_customer(team.company, code=f"C{n}", name=f"Client {n}")
    a_customer(team.company, code="DUP", name="Dupont Frères")
    caller = call(team.collector_user)
    first = caller.get(CUSTOMERS, limit=4).json()
    assert [c["code"] for c in first["items"]] == ["C0", "C1", "C2", "C3"]
    second = caller.get(CUSTOMERS, limit=4, cursor=first["next_cursor"]).json()
    assert [c["code"] for c in second["items"]] == ["C4", "DUP"]
    assert second["next_cursor"] is None
    found = caller.get(CUSTOMERS, q="dupont").json()["items"]
    assert [c["code"] for c in found] == ["DUP"]


def test_detail_has_the_contacts(team, call):
    customer = a_customer(team.company, code="C1")
    a_contact(customer, last_name="Durand", email="anne@example.fr")
    body = call(team.reader).get(f"{CUSTOMERS}{customer.pk}/").json()
    assert body["code"] == "C1" and body["kind"] == "b2b"
    assert [c["last_name"] for c in body["contacts"]] == ["Durand"]


def test_a_manager_creates_and_updates_a_customer_with_a_journal_row(team, call):
    caller = call(team.manager)
    created = caller.post(
        CUSTOMERS,
        {
            "code": "NEW1",
            "name": "Nouvelle SARL",
            "kind": "b2c",
            "email": "compta@nouvelle.fr",
            "contacts": [{"last_name": "Martin", "first_name": "Léa"}],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["payment_terms_days"] == team.company.default_payment_terms_days
    assert [c["last_name"] for c in body["contacts"]] == ["Martin"]
    assert JournalEntry.objects.filter(action="customer_created").count() == 1

    updated = caller.patch(f"{CUSTOMERS}{body['id']}/", {"name": "Nouvelle SAS", "city": "Lyon"})
    assert updated.status_code == 200, updated.content
    customer = Customer.objects.get(pk=body["id"])
    assert (customer.name, customer.city, customer.kind) == ("Nouvelle SAS", "Lyon", "b2c")
    assert JournalEntry.objects.filter(action="customer_changed").count() == 1


def test_the_services_rules_answer_400_in_french(team, call):
    a_customer(team.company, code="PRIS")
    caller = call(team.manager)
    taken = caller.post(CUSTOMERS, {"code": "PRIS", "name": "Doublon"})
    assert taken.status_code == 400
    assert taken.json()["detail"] == "Un client porte déjà ce code."
    bad_email = caller.post(CUSTOMERS, {"code": "X1", "name": "X", "email": "pas-un-mail"})
    assert bad_email.status_code == 400
    assert bad_email.json()["errors"][0]["field"] == "email"
    assert not Customer.objects.filter(code__in=["X1"]).exists()


def test_a_collector_may_not_change_a_customer(team, call):
    customer = a_customer(team.company, code="C1", name="Avant")
    response = call(team.collector_user).patch(f"{CUSTOMERS}{customer.pk}/", {"name": "Après"})
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.name == "Avant"


def test_contacts_list_create_update(team, call):
    customer = a_customer(team.company, code="C1")
    contact = a_contact(customer, last_name="Durand")
    caller = call(team.manager)
    url = f"{CUSTOMERS}{customer.pk}/contacts/"
    created = caller.post(url, {"last_name": "Petit", "email": "p@example.fr"})
    assert created.status_code == 201 and created.json()["last_name"] == "Petit"
    changed = caller.patch(f"{url}{contact.pk}/", {"phone": "04 72 00 00 00"})
    assert changed.status_code == 200 and changed.json()["phone"] == "04 72 00 00 00"
    assert changed.json()["last_name"] == "Durand"
    listing = call(team.reader).get(url).json()
    assert sorted(c["last_name"] for c in listing) == ["Durand", "Petit"]
    assert call(team.reader).post(url, {"last_name": "Non"}).status_code == 403
    assert caller.patch(f"{url}999999/", {"phone": "1"}).status_code == 404


def test_the_siren_goes_in_and_out_checked_by_the_same_service(team, call):
    caller = call(team.manager)
    created = caller.post(CUSTOMERS, {"code": "S1", "name": "Siren SAS", "siren": "801 587 858"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["siren"] == "801587858"
    assert Customer.objects.get(pk=body["id"]).siren == "801587858"
    assert call(team.reader).get(f"{CUSTOMERS}{body['id']}/").json()["siren"] == "801587858"

    wrong = caller.patch(f"{CUSTOMERS}{body['id']}/", {"siren": "801587859"})
    assert wrong.status_code == 400
    assert wrong.json()["detail"] == (
        "Le SIREN « 801587859 » n'est pas valide (clé de contrôle erronée)."
    )
    unchanged = caller.patch(f"{CUSTOMERS}{body['id']}/", {"city": "Lyon"})
    assert unchanged.json()["siren"] == "801587858"  # not sent: kept
    cleared = caller.patch(f"{CUSTOMERS}{body['id']}/", {"siren": ""})
    assert cleared.status_code == 200 and cleared.json()["siren"] == ""
    short = caller.post(CUSTOMERS, {"code": "S2", "name": "Court", "siren": "12345"})
    assert short.status_code == 400
    assert short.json()["detail"] == "Le SIREN « 12345 » doit compter 9 chiffres."
    assert not Customer.objects.filter(code="S2").exists()


def test_the_api_reads_and_writes_the_fields_the_journal_follows():
    from recouvrement.api.customers import CustomerIn, CustomerOut, CustomerPatch
    from recouvrement.services.customer_journal import CUSTOMER_FIELDS

    assert set(CustomerOut.model_fields) == {"id", *CUSTOMER_FIELDS}
    assert set(CustomerIn.model_fields) == {"contacts", *CUSTOMER_FIELDS}
    assert set(CustomerPatch.model_fields) == set(CUSTOMER_FIELDS)
