"""Échéances and règlements through the API (issue 14 §3): lists, and the bulk pushes of an
ERP, idempotent, all or nothing, through the accounting import's writer."""

from datetime import date
from decimal import Decimal

from recouvrement.db.models import Allocation, Dossier, JournalEntry, Payment, Receivable
from recouvrement.domain import audit
from tests.builders import a_customer, a_dossier, a_receivable

RECEIVABLES = "/api/v1/receivables/"
PAYMENTS = "/api/v1/payments/"


def _item(code="C1", reference="FA1", due="2026-03-31", amount="1000.00", open_amount=None):
    return {
        "customer_code": code,
        "reference": reference,
        "piece_date": "2026-03-01",
        "due_date": due,
        "amount": amount,
        "open_amount": open_amount or amount,
    }


def _state(company):
    return sorted(
        Receivable.objects.filter(company=company).values_list(
            "customer__code", "reference", "due_date", "amount", "open_amount"
        )
    )


def test_bulk_twice_is_the_same_state(team, call):
    a_customer(team.company, code="C1")
    a_customer(team.company, code="C2")
    caller = call(team.manager)
    push = {"items": [_item(), _item(reference="FA2", due="2026-04-30"), _item(code="C2")]}
    first = caller.post(f"{RECEIVABLES}bulk/", push)
    assert first.status_code == 200, first.content
    assert first.json()["created"] == 3
    assert [i["status"] for i in first.json()["items"]] == ["created"] * 3
    state = _state(team.company)
    assert len(state) == 3
    second = caller.post(f"{RECEIVABLES}bulk/", push).json()
    assert (second["created"], second["unchanged"]) == (0, 3)
    assert [i["id"] for i in second["items"]] == [i["id"] for i in first.json()["items"]]
    assert _state(team.company) == state
    assert JournalEntry.objects.filter(action=audit.API_RECEIVABLES_PUSHED).count() == 1


def test_an_update_changes_the_amounts_and_notes_the_payment(team, call):
    a_customer(team.company, code="C1")
    caller = call(team.manager)
    caller.post(f"{RECEIVABLES}bulk/", {"items": [_item()]})
    bigger = caller.post(f"{RECEIVABLES}bulk/", {"items": [_item(amount="1200.00")]}).json()
    assert bigger["updated"] == 1
    receivable = Receivable.objects.get(reference="FA1")
    assert (receivable.amount, receivable.open_amount) == (Decimal("1200.00"), Decimal("1200.00"))
    paid = caller.post(
        f"{RECEIVABLES}bulk/", {"items": [_item(amount="1200.00", open_amount="200.00")]}
    ).json()
    assert paid["updated"] == 1
    receivable.refresh_from_db()
    assert receivable.open_amount == Decimal("200.00")
    # As at the import: what was paid without a payment is a « Règlement constaté ».
    assert Allocation.objects.get(receivable=receivable).amount == Decimal("1000.00")


def test_a_bad_item_is_400_naming_it_and_nothing_is_written(team, call):
    a_customer(team.company, code="C1")
    caller = call(team.manager)
    push = {"items": [_item(), _item(code="INCONNU"), _item(reference="FA3", open_amount="2000")]}
    response = caller.post(f"{RECEIVABLES}bulk/", push)
    assert response.status_code == 400
    body = response.json()
    fields = [error["field"] for error in body["errors"]]
    assert fields == ["items.1.customer_code", "items.2.open_amount"]
    assert "client « INCONNU » inconnu" in body["errors"][0]["message"]
    assert body["detail"].startswith("items.1.customer_code")
    assert not Receivable.objects.exists()
    typed = caller.post(f"{RECEIVABLES}bulk/", {"items": [_item(amount="douze")]})
    assert typed.status_code == 422
    assert typed.json()["errors"][0]["field"] == "items.0.amount"
    twice = caller.post(f"{RECEIVABLES}bulk/", {"items": [_item(), _item()]})
    assert twice.status_code == 400 and "même échéance que items.0" in twice.json()["detail"]


def test_only_a_manager_pushes(team, call):
    a_customer(team.company, code="C1")
    for user in (team.collector_user, team.reader):
        response = call(user).post(f"{RECEIVABLES}bulk/", {"items": [_item()]})
        assert response.status_code == 403
        assert response.json()["detail"].startswith("Seul un responsable recouvrement")
    assert not Receivable.objects.exists()


def test_list_filters_and_pages(team, call):
    one = a_customer(team.company, code="C1")
    two = a_customer(team.company, code="C2")
    a_receivable(one, due_date=date(2026, 1, 10))
    a_receivable(one, due_date=date(2026, 2, 10), open_amount="0")
    a_receivable(two, due_date=date(2026, 3, 10))
    caller = call(team.reader)
    everything = caller.get(RECEIVABLES, limit=2).json()
    assert len(everything["items"]) == 2 and everything["next_cursor"]
    rest = caller.get(RECEIVABLES, limit=2, cursor=everything["next_cursor"]).json()
    assert [r["due_date"] for r in rest["items"]] == ["2026-03-10"]
    assert rest["items"][0]["customer_code"] == "C2"
    assert rest["items"][0]["amount"] == "1200.00"
    open_of_one = caller.get(RECEIVABLES, customer=one.pk, open="true").json()["items"]
    assert [r["due_date"] for r in open_of_one] == ["2026-01-10"]
    due = caller.get(RECEIVABLES, due_before="2026-02-28").json()["items"]
    assert len(due) == 2


def _payment(key="VIR-1", amount="400.00", allocations=(("FA1", "2026-03-31", "400.00"),)):
    return {
        "customer_code": "C1",
        "external_key": key,
        "date": "2026-04-05",
        "amount": amount,
        "reference": "Virement",
        "allocations": [{"reference": r, "due_date": d, "amount": a} for r, d, a in allocations],
    }


def test_payments_are_recorded_once_and_lower_the_open_amount(team, call):
    a_customer(team.company, code="C1")
    caller = call(team.manager)
    caller.post(f"{RECEIVABLES}bulk/", {"items": [_item()]})
    first = caller.post(f"{PAYMENTS}bulk/", {"items": [_payment()]})
    assert first.status_code == 200, first.content
    assert first.json()["created"] == 1
    receivable = Receivable.objects.get(reference="FA1")
    assert receivable.open_amount == Decimal("600.00")
    again = caller.post(f"{PAYMENTS}bulk/", {"items": [_payment()]}).json()
    assert again["unchanged"] == 1
    receivable.refresh_from_db()
    assert receivable.open_amount == Decimal("600.00")
    assert Payment.objects.count() == 1
    listed = call(team.reader).get(PAYMENTS).json()["items"]
    assert listed[0]["external_key"] == "VIR-1"
    assert listed[0]["allocations"] == [{"receivable_id": receivable.pk, "amount": "400.00"}]
    # The ERP then pushes the open items as it sees them: nothing moves.
    same = caller.post(f"{RECEIVABLES}bulk/", {"items": [_item(open_amount="600.00")]}).json()
    assert same["unchanged"] == 1 and Payment.objects.count() == 1


def test_a_payment_over_what_is_owed_is_400_and_writes_nothing(team, call):
    a_customer(team.company, code="C1")
    caller = call(team.manager)
    caller.post(f"{RECEIVABLES}bulk/", {"items": [_item(amount="100.00")]})
    over = caller.post(
        f"{PAYMENTS}bulk/",
        {"items": [_payment(amount="500.00", allocations=(("FA1", "2026-03-31", "150.00"),))]},
    )
    assert over.status_code == 400
    assert over.json()["errors"][0]["field"] == "items.0.allocations.0.amount"
    unknown = caller.post(
        f"{PAYMENTS}bulk/", {"items": [_payment(allocations=(("FA9", "2026-03-31", "1.00"),))]}
    )
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "items.0.allocations.0.reference"
    assert not Payment.objects.exists()
    assert Receivable.objects.get().open_amount == Decimal("100.00")


def test_a_payment_settling_a_dossier_closes_it(team, call):
    customer = a_customer(team.company, code="C1")
    receivable = a_receivable(customer, amount="300.00", due_date=date(2026, 3, 31))
    dossier = a_dossier(customer, receivables=[receivable])
    payment = _payment(
        amount="300.00", allocations=((receivable.reference, "2026-03-31", "300.00"),)
    )
    body = call(team.manager).post(f"{PAYMENTS}bulk/", {"items": [payment]}).json()
    assert body["dossiers_closed"] == [dossier.number]
    assert Dossier.objects.get(pk=dossier.pk).status == "closed"
    assert JournalEntry.objects.filter(dossier=dossier, action="receivables_imported").exists()
