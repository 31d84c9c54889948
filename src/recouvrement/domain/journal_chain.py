"""The journal's hash chain (M9, O6): each row carries the SHA-256 of the previous row of its
company and its own, over a canonical serialisation of what the row says.

A row's canonical form is one line of JSON, an array in `JOURNAL_COLUMNS` order:
`[company_id,dossier_id,intervention_id,"at",user_id,"action","message",before,after]` —
`at` in UTC ISO-8601 with microseconds, strings escaped by JSON (so no field can spill into
the next), `before`/`after` with sorted keys and no spaces. The form is what the database
gives back, not only what was sent: JSON round trips (tuples become lists, keys strings) and
PostgreSQL's jsonb writes `1e16` or `2.0` as integers, so an integral float is written as an
integer. `canonical` is the reference; `Serialiser` gives the same bytes faster for batches
whose rows share their parts.

Pure Python: no Django, no clock.
"""

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def _normal(value: Any) -> Any:
    """`value` as the database gives it back (see the module's docstring)."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {
            (key if isinstance(key, str) else json.dumps(key)): _normal(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_normal(item) for item in value]
    return value


def json_text(value: Any) -> str:
    """The canonical JSON of a JSON-ready value (`before`, `after`, a string, None)."""
    return json.dumps(
        _normal(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )


def at_text(at: datetime) -> str:
    """`at` in UTC, ISO-8601 with microseconds; a naive datetime is refused."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("Le journal date ses lignes avec leur fuseau horaire.")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(
    company_id: int,
    dossier_id: int | None,
    intervention_id: int | None,
    at: datetime,
    user_id: int | None,
    action: str,
    message: str,
    before: Any,
    after: Any,
) -> bytes:
    """The bytes a row's hash covers (the reference `Serialiser` must equal)."""
    values = [company_id, dossier_id, intervention_id, at_text(at), user_id, action, message]
    return json_text([*values, before, after]).encode()


def link(previous_hash: str, canonical_bytes: bytes) -> str:
    """A row's hash: SHA-256 (hex) of the previous row's hash, a newline, its canonical bytes."""
    return hashlib.sha256(previous_hash.encode() + b"\n" + canonical_bytes).hexdigest()


class Serialiser:
    """`canonical`, with what rows share serialised once: a batch's rows repeat their time
    stamp, user, action and message, and share their « before »/« after » dicts.

    What follows a row's ids (its « tail ») is remembered by (time stamp, user, action,
    message, before, after) — dicts by identity, checked, so a dict freed and another one at
    its address is never mistaken for it. `raw=True` takes `before`/`after` as the JSON text
    a database stored (remembered by value). `adapt(at, user, action, message, before,
    after)`, if given, turns those shared values into what the database is sent, once per
    tail (`chain_rows`). Memories are bounded.
    """

    LIMIT = 8192

    def __init__(
        self, *, raw: bool = False, adapt: Callable[..., Sequence[Any]] | None = None
    ) -> None:
        self.raw = raw
        self.adapt = adapt
        self._strings: dict[str, str] = {}
        self._times: dict[Any, str] = {}
        self._texts: dict[str, str] = {}  # raw JSON text → canonical
        # tail key → (tail text, before, after, the tail's values as sent)
        self._tails: dict[tuple, tuple[str, Any, Any, Sequence[Any]]] = {}

    def _string(self, value: str) -> str:
        text = self._strings.get(value)
        if text is None:
            if len(self._strings) >= self.LIMIT:
                self._strings.clear()
            text = self._strings[value] = json.dumps(value, ensure_ascii=False)
        return text

    def _time(self, at: datetime) -> str:
        text = self._times.get(at)
        if text is None:
            if len(self._times) >= self.LIMIT:
                self._times.clear()
            text = self._times[at] = at_text(at)
        return text

    def _json(self, value: Any) -> str:
        if value is None:
            return "null"
        if not self.raw:
            return json_text(value)
        text = self._texts.get(value)
        if text is None:
            if len(self._texts) >= self.LIMIT:
                self._texts.clear()
            text = self._texts[value] = json_text(json.loads(value))
        return text

    def tail(self, at, user_id, action, message, before, after) -> str:
        """The canonical text after the ids, closing bracket included."""
        user = "null" if user_id is None else int(user_id)
        return (
            f'"{self._time(at)}",{user},{self._string(action)},{self._string(message)},'
            f"{self._json(before)},{self._json(after)}]"
        )

    def row(
        self,
        company_id: int,
        dossier_id: int | None,
        intervention_id: int | None,
        at: datetime,
        user_id: int | None,
        action: str,
        message: str,
        before: Any,
        after: Any,
    ) -> bytes:
        """`canonical` of one row."""
        dossier = "null" if dossier_id is None else int(dossier_id)
        intervention = "null" if intervention_id is None else int(intervention_id)
        tail = self.tail(at, user_id, action, message, before, after)
        return f"[{int(company_id)},{dossier},{intervention},{tail}".encode()

    def rows(self, rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
        """`canonical` of each row (values in `canonical`'s order), the tails shared."""
        for row in rows:
            yield self.with_tail(row).encode()

    def shared(self, row: Sequence[Any]) -> tuple[str, Any, Any, Sequence[Any]]:
        """The row's tail: its text, its before/after, its values as sent (`adapt`)."""
        _, _, _, at, user, action, message, before, after = row
        if self.raw:
            key = (at, user, action, message, before, after)
        else:
            key = (at, user, action, message, id(before), id(after))
        hit = self._tails.get(key)
        if hit is None or hit[1] is not before or hit[2] is not after:
            if len(self._tails) >= self.LIMIT:
                self._tails.clear()
            tail = self.tail(at, user, action, message, before, after)
            values = row[3:] if self.adapt is None else self.adapt(*row[3:])
            hit = self._tails[key] = (tail, before, after, tuple(values))
        return hit

    def with_tail(self, row: Sequence[Any]) -> str:
        """`canonical` of one row as text, its tail shared with the rows before."""
        company, dossier, intervention = row[:3]
        return (
            f"[{company},{'null' if dossier is None else dossier},"
            f"{'null' if intervention is None else intervention},{self.shared(row)[0]}"
        )


class Chain:
    """A company's chain while rows are appended: `add` returns (previous hash, hash)."""

    def __init__(self, last_hash: str = GENESIS) -> None:
        self.last_hash = last_hash

    def add(self, canonical_bytes: bytes) -> tuple[str, str]:
        previous = self.last_hash
        self.last_hash = link(previous, canonical_bytes)
        return previous, self.last_hash


def chain_rows(
    rows: Sequence[Sequence[Any]], last_hashes: dict[int, str], serialiser: Serialiser
) -> list[tuple]:
    """Each row (values in `canonical`'s order) appended, in order, to its company's chain
    (`row[0]`): the row — its shared values through the serialiser's `adapt` — followed by
    its previous hash and its hash (`link`). `last_hashes` (company → last hash) moves on.

    The batch's loop (a « Préparer » chains 100 000 rows): `link` and `with_tail` inlined."""
    chained = []
    append, sha256, shared = chained.append, hashlib.sha256, serialiser.shared
    for row in rows:
        company, dossier, intervention = row[0], row[1], row[2]
        tail, _, _, values = shared(row)
        previous = last_hashes[company]
        digest = sha256(
            f"{previous}\n[{company},{'null' if dossier is None else dossier},"
            f"{'null' if intervention is None else intervention},{tail}".encode()
        ).hexdigest()
        last_hashes[company] = digest
        append((company, dossier, intervention, *values, previous, digest))
    return chained
