"""`bench --only import`: a FEC of N lines imported by `recouvrement import` in a child
process, so that its peak memory (ru_maxrss) is the import's alone (PRODUCT §7)."""

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from recouvrement.bench.fec import sample_invoices, write_fec
from recouvrement.services.companies import create_company


def run(engine: str, lines: int, today: date) -> Iterator[dict]:
    create_company(name="Banc d'essai SAS", city="Lyon", siren="000000000")
    with tempfile.TemporaryDirectory(prefix="recouvrement-fec-") as folder:
        path = Path(folder) / f"000000000FEC{today:%Y%m%d}.txt"
        start = time.perf_counter()
        with path.open("w", encoding="utf-8", newline="\r\n") as out:
            written = write_fec(out, sample_invoices(lines))
        yield {
            "bench": "import_generate",
            "lines": written,
            "megabytes": round(path.stat().st_size / 1e6, 1),
            "seconds": round(time.perf_counter() - start, 2),
        }
        for run_number in (1, 2):  # the second run imports the same file: nothing changes
            seconds, peak_kb, summary = _child_import(path)
            yield {
                "bench": "import" if run_number == 1 else "import_again",
                "engine": engine,
                "lines": summary["lines"],
                "open_receivables": summary["open_receivables"],
                "receivables_created": summary["receivables_created"],
                "payments": summary["payments"],
                "seconds": round(seconds, 2),
                "lines_per_second": round(summary["lines"] / seconds),
                "peak_rss_mb": round(peak_kb / 1024, 1),
                "budget_lines_per_second": 50_000,
                "budget_peak_rss_mb": 500,
            }


def _child_import(path: Path) -> tuple[float, int, dict]:
    command = [sys.executable, "-m", "recouvrement.cli", "import", str(path), "--json"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err)
        # wait4 gives this child's own peak memory (RUSAGE_CHILDREN would keep the largest).
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise RuntimeError(f"recouvrement import a échoué : {err.read().decode()[-2000:]}")
        summary = json.loads(out.read().decode().strip().splitlines()[-1])
    return seconds, usage.ru_maxrss, summary
