"""The benchmark scenarios: each returns JSON-ready figures, timed on the real code paths."""

import gc
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import date

from django.db import connection

from recouvrement.bench import data, exports, imports, pages
from recouvrement.db.models import Collaborator, Intervention
from recouvrement.db.worklist import worklist_rows
from recouvrement.domain.worklist import WorklistSort
from recouvrement.services import prepare_due, print_letters, refresh_priorities

TODAY = date(2026, 11, 27)
# PRODUCT §7: `prepare` over 100 000 open dossiers, audit rows included.
PREPARE_BUDGET = {"sqlite": 2, "postgresql": 3}
LARGE = 100_000  # beyond, the worklist and pages benches build 2 interventions per dossier
LETTERS = 1000  # letters printed into one PDF by the letters benchmark (PRODUCT §7)


def _timed(call: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def run(size: int, only: str | None) -> Iterator[dict]:
    engine = connection.vendor
    if only == "serve":  # on its own: `serve --workers N` in child processes, over HTTP
        from recouvrement.bench import serve

        yield from serve.run(engine, size, TODAY)
        return
    if only == "import":  # on its own: a FEC of `size` lines into an empty company
        yield from imports.run(engine, size, TODAY)
        return
    history = 10 if only in (None, "worklist", "pages") else 1
    if size > LARGE:  # a million dossiers: 2 million interventions, not 10 (an hour to build)
        history = min(history, 2)
    seconds, company = _timed(lambda: data.build(size, TODAY, history))
    if engine == "postgresql":  # the planner's statistics, as autovacuum would have them
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # A server process does not carry the builder's garbage: leave it out of the figures.
    gc.collect()
    gc.freeze()
    yield {
        "bench": "build",
        "engine": engine,
        "dossiers": size,
        "interventions": size * history,
        "seconds": round(seconds, 2),
    }
    if only in (None, "worklist"):
        yield from _worklist(company, engine, size * history)
    if only == "pages":  # on demand: its extra dossier would change the later benches' counts
        yield from pages.run(company, engine, TODAY, size, size * history)
    if only == "export":  # on demand: the dossier list, XLSX and CSV
        yield from exports.run(company, engine)
    if only in (None, "prepare", "letters"):
        yield from _prepare(engine, size)
    if only == "prepare":  # B11: what `recouvrement prepare` runs after its batch
        yield from _priority(company, engine)
    if only in (None, "letters"):
        yield from _letters(company, engine, min(size, LETTERS))


def _worklist(company, engine: str, interventions: int) -> Iterator[dict]:
    collector = Collaborator.objects.filter(company=company).order_by("pk").first()
    cases = {
        "priority,collector": {"sort": [WorklistSort.PRIORITY]},
        "collector,priority": {"sort": [WorklistSort.COLLECTOR]},
        "date": {"sort": [WorklistSort.DATE]},
        "own dossiers, priority": {"sort": [WorklistSort.PRIORITY], "collector_id": collector.pk},
        "own dossiers, date": {"sort": [WorklistSort.DATE], "collector_id": collector.pk},
    }
    for label, options in cases.items():
        worklist_rows(company, TODAY, **options)  # warm the caches, as a running server is
        times = [_timed(lambda o=options: worklist_rows(company, TODAY, **o))[0] for _ in range(7)]
        yield {
            "bench": "worklist_first_page",
            "engine": engine,
            "sort": label,
            "interventions": interventions,
            "median_ms": round(statistics.median(times) * 1000, 1),
            "max_ms": round(max(times) * 1000, 1),
            "budget_ms": 10,
        }


def _prepare(engine: str, size: int) -> Iterator[dict]:
    seconds, summary = _timed(lambda: prepare_due(TODAY))
    yield {
        "bench": "prepare",
        "engine": engine,
        "dossiers": size,
        "created": summary.created,
        "seconds": round(seconds, 2),
        "budget_seconds": PREPARE_BUDGET.get(engine),
    }
    seconds, summary = _timed(lambda: prepare_due(TODAY))
    yield {
        "bench": "prepare_again",
        "engine": engine,
        "dossiers": size,
        "created": summary.created,
        "seconds": round(seconds, 2),
    }


def _priority(company, engine: str) -> Iterator[dict]:
    seconds, summary = _timed(lambda: refresh_priorities(company, today=TODAY))
    yield {
        "bench": "priority",
        "engine": engine,
        "dossiers": summary.dossiers,
        "seconds": round(seconds, 2),
    }


def _letters(company, engine: str, count: int) -> Iterator[dict]:
    """« Imprimer » on `count` letters « A faire »: compose, render one PDF, keep it, mark them."""
    due = list(
        Intervention.objects.filter(company=company, status="todo", action_type="letter").order_by(
            "pk"
        )[:count]
    )
    seconds, result = _timed(lambda: print_letters(due, today=TODAY, user=None))
    yield {
        "bench": "letters",
        "engine": engine,
        "letters": len(result.interventions),
        "pages": result.batch.pages,
        "pdf_bytes": len(result.pdf),
        "seconds": round(seconds, 2),
        "letters_per_second": round(len(result.interventions) / seconds, 1),
        "budget_letters_per_second": 150,
    }
