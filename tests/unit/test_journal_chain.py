"""The journal's hash chain (O6): one canonical form per row, whatever path serialises it."""

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from recouvrement.domain.journal_chain import (
    GENESIS,
    Chain,
    Serialiser,
    at_text,
    canonical,
    chain_rows,
    json_text,
    link,
)

AT = datetime(2026, 12, 1, 9, 0, 0, 123456, tzinfo=UTC)
AFTER = {"status": "done", "done_date": "2026-12-01", "penalty_amount": "40.00"}
ROW = (7, 12, 345, AT, 3, "letter_printed", "Courrier « Relance 1 » imprimé", None, AFTER)
# Values a row's « before »/« after » may hold, as services/journal.to_json leaves them.
VALUES = [
    None,
    {},
    {"b": 1, "a": 2},
    {"montant": "1234.50", "taux": 0.1, "entier": 2.0, "grand": 1e16, "petit": 1.5e-10},
    {"nom": "Société Générale — Œuvre « été »", "emoji": "📎", "ligne": 'a\nb\t"c"\\'},
    {"liste": [1, None, True, False, "x", [2, {"z": 0, "y": -0.0}]], "imbriqué": {"k": {}}},
    {"status": "todo", "user_id": None, "step_id": 12},
    ["une", "liste"],
    "texte",
    12,
]


def test_the_canonical_form_is_one_json_array_in_column_order():
    text = canonical(*ROW).decode()

    assert text == (
        '[7,12,345,"2026-12-01T09:00:00.123456+00:00",3,"letter_printed",'
        '"Courrier « Relance 1 » imprimé",null,'
        '{"done_date":"2026-12-01","penalty_amount":"40.00","status":"done"}]'
    )
    assert json.loads(text)[8] == AFTER


def test_the_time_stamp_is_written_in_utc_with_its_microseconds():
    paris = timezone(timedelta(hours=1))

    assert at_text(datetime(2026, 12, 1, 10, 0, tzinfo=paris)) == (
        "2026-12-01T09:00:00.000000+00:00"
    )
    with pytest.raises(ValueError):
        at_text(datetime(2026, 12, 1, 10, 0))


@pytest.mark.parametrize("value", VALUES)
def test_a_value_read_back_from_the_database_serialises_as_written(value):
    # SQLite stores json.dumps' text; PostgreSQL's jsonb sorts the keys and writes
    # integral numbers without their fraction (1e16, 2.0): both give the same form back.
    stored = json.loads(json.dumps(value))
    jsonb = json.loads(json.dumps(stored, sort_keys=True).replace("1e+16", "10000000000000000"))

    assert json_text(stored) == json_text(value) == json_text(jsonb)


def test_integral_floats_are_written_as_integers_and_keys_as_strings():
    assert json_text({"a": 2.0, 1: -0.0, "b": 1e16}) == '{"1":0,"a":2,"b":10000000000000000}'
    assert json_text((1, 2)) == "[1,2]"


def test_no_field_can_spill_into_the_next():
    moved = (7, 12, 345, AT, 3, 'letter_printed","x', "y", None, None)
    kept = (7, 12, 345, AT, 3, "letter_printed", 'x","y', None, None)

    assert canonical(*moved) != canonical(*kept)


def test_a_row_hash_covers_the_previous_hash_and_the_row():
    digest = link(GENESIS, canonical(*ROW))

    assert digest == hashlib.sha256(GENESIS.encode() + b"\n" + canonical(*ROW)).hexdigest()
    assert len(digest) == 64
    assert link(digest, canonical(*ROW)) != digest
    assert link(GENESIS, canonical(*ROW[:6], "autre message", *ROW[7:])) != digest


@pytest.mark.parametrize("value", VALUES)
def test_the_fast_serialiser_gives_the_reference_bytes(value):
    rows = [
        (7, 12, 345, AT, 3, "letter_printed", "é", value, AFTER),
        (7, None, None, AT, None, "company_settings_changed", "", AFTER, value),
        (7, 13, 346, AT, 3, "letter_printed", "é", value, AFTER),
    ]
    raw = [(*row[:7], *(None if v is None else json.dumps(v) for v in row[7:])) for row in rows]

    for serialiser in (Serialiser(), Serialiser()):
        assert list(serialiser.rows(rows)) == [canonical(*row) for row in rows]
        assert [serialiser.row(*row) for row in rows] == [canonical(*row) for row in rows]
    assert list(Serialiser(raw=True).rows(raw)) == [canonical(*row) for row in rows]


def test_a_shared_tail_is_never_taken_for_another_dict_at_the_same_address():
    serialiser = Serialiser()
    first = serialiser.row(1, 2, 3, AT, None, "a", "m", None, {"x": 1})
    # The dict above is freed; a new one may well live at its address.
    assert list(serialiser.rows([(1, 2, 3, AT, None, "a", "m", None, {"x": 2})])) != [first]
    assert list(serialiser.rows([(1, 2, 3, AT, None, "a", "m", None, {"x": 2})])) == [
        canonical(1, 2, 3, AT, None, "a", "m", None, {"x": 2})
    ]


def test_chained_rows_follow_each_company_chain_in_order():
    rows = [ROW, (8, *ROW[1:]), (*ROW[:2], 346, *ROW[3:]), (8, None, None, *ROW[3:])]
    last = {7: GENESIS, 8: "f" * 64}

    chained = chain_rows(rows, last, Serialiser())

    sevens, eights = Chain(), Chain("f" * 64)
    expected = [(sevens if row[0] == 7 else eights).add(canonical(*row)) for row in rows]
    assert [row[-2:] for row in chained] == expected
    assert [row[:-2] for row in chained] == rows
    assert last == {7: sevens.last_hash, 8: eights.last_hash}
    assert chained[2][-2] == chained[0][-1]  # the previous row of its company
