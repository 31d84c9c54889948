"""The exports of the dossier list, XLSX and CSV, through the web client: their time, rows per
second and peak memory (issue 14 §2: 100 000 rows in ≤ 10 s, in constant memory).

The time is measured on a first run; the peak memory (`tracemalloc`: what Python allocated
at most during the export, whatever the process held before) on a second run, tracemalloc
slowing the code it watches."""

import time
import tracemalloc
from collections.abc import Iterator

from django.test import Client
from django.urls import reverse

from recouvrement.bench.pages import manager_client
from recouvrement.db.models import Company, Dossier

BUDGET_SECONDS = 10
BUDGET_ROWS = 100_000
FORMATS = ("xlsx", "csv")


def _export(client: Client, fmt: str, **params: str) -> int:
    """The whole export downloaded, as a browser would; its size in bytes."""
    response = client.get(reverse("dossier_list_export", kwargs={"fmt": fmt}), params)
    if response.status_code != 200:
        raise RuntimeError(f"export {fmt}: HTTP {response.status_code}")
    # Read to the end, the test client closes it (the XLSX's temporary file goes).
    return sum(len(part) for part in response.streaming_content)


def run(company: Company, engine: str) -> Iterator[dict]:
    client = manager_client(company)
    rows = Dossier.objects.filter(company=company).count()
    for fmt in FORMATS:  # warm the code paths, as a running server is: an export of no row
        _export(client, fmt, q="aucun dossier ne porte ce nom")
    for fmt in FORMATS:
        start = time.perf_counter()
        size = _export(client, fmt)
        seconds = time.perf_counter() - start
        tracemalloc.start()
        try:
            _export(client, fmt)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        yield {
            "bench": f"export_dossiers_{fmt}",
            "engine": engine,
            "rows": rows,
            "bytes": size,
            "seconds": round(seconds, 2),
            "rows_per_second": round(rows / seconds),
            "peak_memory_mib": round(peak / 2**20, 1),
            "budget_seconds": BUDGET_SECONDS,
            "budget_rows": BUDGET_ROWS,
        }
