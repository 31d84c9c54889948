"""An import plan against the stored échéances and règlements: what changes (no database)."""

from datetime import date
from decimal import Decimal

from recouvrement.imports import PlannedPayment, PlannedReceivable
from recouvrement.imports.reconcile import (
    Gap,
    Row,
    dossier_moves,
    gaps,
    move_message,
    plural,
    reconcile_payments,
    reconcile_receivables,
    take_back,
)

AS_OF = date(2026, 11, 30)
CUSTOMERS = {"C001": (1, 30), "C002": (2, 45)}  # code → (id, payment terms in days)
D = Decimal


def planned(reference, amount, open_amount=None, *, code="C001", on=date(2026, 9, 1), due=None):
    return PlannedReceivable(
        customer_code=code,
        reference=reference,
        piece_date=on,
        due_date=due,
        amount=D(amount),
        open_amount=D(amount if open_amount is None else open_amount),
        line_number=2,
    )


def stored(pk, reference, amount, open_amount, *, customer=1, on=date(2026, 9, 1), due=None,
           imported=True) -> Row:  # fmt: skip
    due = due or date(2026, 10, 1)
    return Row(pk, customer, reference, on, due, D(amount), D(open_amount), imported)


def test_a_new_open_echeance_is_created_with_the_customers_terms():
    item = planned("FA1", "100.00", "60.00")

    changes = reconcile_receivables([], [item], CUSTOMERS, AS_OF)

    (row,) = changes.new
    assert (row.pk, row.customer_id, row.reference, row.due_date) == (
        None,
        1,
        "FA1",
        date(2026, 10, 1),
    )
    assert (row.amount, row.open_amount, row.imported) == (D("100.00"), D("60.00"), True)
    assert changes.rows == {item: row}
    assert (changes.changed, changes.before, changes.updated, changes.closed) == ([], {}, 0, 0)


def test_an_echeance_paid_before_we_knew_it_is_history_not_created():
    changes = reconcile_receivables([], [planned("FA1", "100.00", "0")], CUSTOMERS, AS_OF)

    assert changes.new == [] and changes.rows == {}


def test_the_lines_of_one_echeance_add_up():
    first, second = planned("FA1", "100.00"), planned("FA1", "50.00", "20.00")

    changes = reconcile_receivables([], [first, second], CUSTOMERS, AS_OF)

    (row,) = changes.new
    assert (row.amount, row.open_amount) == (D("150.00"), D("120.00"))
    assert changes.rows[first] is changes.rows[second] is row


def test_a_stored_echeance_partly_paid_is_updated_and_keeps_its_larger_amount():
    row = stored(7, "FA1", "100.00", "100.00")

    changes = reconcile_receivables([row], [planned("FA1", "90.00", "40.00")], CUSTOMERS, AS_OF)

    assert changes.changed == [row] and changes.new == []
    assert (row.amount, row.open_amount) == (D("100.00"), D("40.00"))
    assert changes.before == {7: D("100.00")}
    assert (changes.updated, changes.closed) == (1, 0)


def test_an_unchanged_echeance_changes_nothing():
    row = stored(7, "FA1", "100.00", "100.00")

    changes = reconcile_receivables([row], [planned("FA1", "100.00")], CUSTOMERS, AS_OF)

    assert (changes.changed, changes.before, changes.updated) == ([], {}, 0)
    assert not row.changed


def test_an_echeance_typed_in_the_app_is_taken_over_by_the_file_without_being_counted():
    row = stored(7, "FA1", "100.00", "100.00", imported=False)

    changes = reconcile_receivables([row], [planned("FA1", "100.00")], CUSTOMERS, AS_OF)

    assert changes.changed == [row] and row.imported
    assert (changes.updated, changes.closed) == (0, 0)


def test_a_file_with_a_due_date_elsewhere_matches_by_piece_date_only_when_unambiguous():
    row = stored(7, "FA1", "100.00", "100.00", due=date(2026, 10, 15))  # its own due date
    item = planned("FA1", "100.00", "30.00")  # the FEC gives no due date: terms say 01/10

    changes = reconcile_receivables([row], [item], CUSTOMERS, AS_OF)

    assert changes.rows[item] is row and row.open_amount == D("30.00")

    twice = [row, stored(8, "FA1", "50.00", "50.00", due=date(2026, 11, 15))]
    other = planned("FA1", "100.00", "30.00")
    changes = reconcile_receivables(twice, [other], CUSTOMERS, AS_OF)

    assert changes.rows[other].pk is None  # two échéances of FA1: no guess


def test_an_imported_echeance_the_file_no_longer_lists_was_paid():
    gone = stored(7, "FA1", "100.00", "100.00")
    typed = stored(8, "FA2", "50.00", "50.00", imported=False)
    later = stored(9, "FA3", "80.00", "80.00", on=date(2026, 12, 5))  # after the file's date

    changes = reconcile_receivables([gone, typed, later], [], CUSTOMERS, AS_OF)

    assert changes.changed == [gone] and gone.open_amount == 0
    assert changes.before == {7: D("100.00")}
    assert (changes.updated, changes.closed) == (0, 1)
    assert typed.open_amount == D("50.00") and later.open_amount == D("80.00")


def payment(key, amount, *allocations, code="C001") -> PlannedPayment:
    return PlannedPayment(
        customer_code=code,
        key=key,
        reference=key,
        date=date(2026, 10, 5),
        amount=D(amount),
        line_number=3,
        allocations=[(item, D(a)) for item, a in allocations],
    )


def test_a_new_payment_is_recorded_with_its_allocations():
    fa1, fa2 = planned("FA1", "100.00"), planned("FA2", "100.00")
    rows = {fa1: stored(7, "FA1", "100", "0"), fa2: stored(8, "FA2", "100", "50")}
    paid = payment("VIR-1", "150.00", (fa1, "100.00"), (fa2, "50.00"))
    credit = payment("AV-1", "20.00")  # lettered to nothing: a customer credit

    changes = reconcile_payments([paid, credit], CUSTOMERS, rows, {}, {})

    assert [(n.customer_id, n.planned, n.allocations) for n in changes.new] == [
        (1, paid, {7: D("100.00"), 8: D("50.00")}),
        (1, credit, {}),
    ]
    assert changes.touched == {7, 8} and changes.relettered == {}


def test_a_payment_already_recorded_is_not_recorded_again():
    fa1 = planned("FA1", "100.00")
    rows = {fa1: stored(7, "FA1", "100", "0")}
    paid = payment("VIR-1", "100.00", (fa1, "100.00"))

    changes = reconcile_payments([paid], CUSTOMERS, rows, {(1, "VIR-1"): 40}, {40: {7: D("100")}})

    assert (changes.new, changes.relettered, changes.touched) == ([], {}, set())


def test_a_payment_lettered_to_another_invoice_moves():
    fa2 = planned("FA2", "100.00")
    rows = {fa2: stored(8, "FA2", "100", "0")}
    paid = payment("VIR-1", "100.00", (fa2, "100.00"))

    changes = reconcile_payments([paid], CUSTOMERS, rows, {(1, "VIR-1"): 40}, {40: {7: D("100")}})

    assert changes.new == []
    assert changes.relettered == {40: {8: D("100.00")}}
    assert changes.touched == {7, 8}  # the échéance it leaves and the one it pays


def test_a_payment_of_invoices_we_never_knew_is_left_out():
    settled = planned("FA0", "100.00", "0")  # not in `rows`: never created
    paid = payment("VIR-0", "100.00", (settled, "100.00"))

    changes = reconcile_payments([paid], CUSTOMERS, {}, {}, {})

    assert changes.new == [] and changes.touched == set()


def test_what_was_paid_without_allocations_is_noted_and_allocations_beyond_are_taken_back():
    rows = [
        (7, 1, D("100"), D("40"), None),  # 60 paid, nothing allocated
        (8, 1, D("100"), D("40"), D("60")),  # allocations match
        (9, 2, D("100"), D("90"), D("30")),  # reopened: 20 allocated too much
    ]

    noted, excesses = gaps(rows)

    assert noted == [Gap(7, 1, D("60"))]
    assert excesses == [(9, D("20"))]
    assert noted[0].key(AS_OF) == "constat|7|2026-11-30|60"


def test_allocations_are_taken_back_from_the_latest_payment_first():
    allocations = [(31, D("15")), (30, D("40")), (29, D("100"))]  # latest first

    assert take_back(allocations, D("15")) == [(31, D("0"))]
    assert take_back(allocations, D("25")) == [(31, D("0")), (30, D("30"))]
    assert take_back([], D("25")) == []


def test_the_dossiers_whose_echeances_moved_and_their_journal_line():
    before = {7: D("100"), 8: D("50"), 9: D("10")}
    links = [(1, 7, D("0")), (1, 8, D("20")), (2, 9, D("10"))]  # dossier 2 did not move

    moves = dossier_moves(links, before)

    assert moves == {1: [(D("100"), D("0")), (D("50"), D("20"))]}
    message, old, new = move_message(AS_OF, moves[1])
    assert (old, new) == (D("150"), D("20"))
    assert message == (
        "Import comptable arrêté au 30/11/2026 : reste dû 150,00\u00a0€ → 20,00\u00a0€ "
        "(2 échéances modifiées)."
    )


def test_plural():
    assert plural(1, "échéance modifiée") == "1 échéance modifiée"
    assert plural(3, "règlement enregistré") == "3 règlements enregistrés"
