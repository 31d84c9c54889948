"""`recouvrement worker [--interval S] [--once] [--json]`: the background work without cron
(issue 16 §3) — each company's daily « Préparer » at its hour (and its letters batch), the
e-mail outbox, the imports uploaded through the pages. Runs until SIGTERM or Ctrl+C (the task
in progress finishes first); several workers, on several machines, never do a job twice.
`--once`: one pass (the schedule, then every task queued), for cron and the tests; its exit
status is 1 when a task failed or a run was refused (an import too old)."""

import argparse
import logging
import math
import signal
import sys
import threading

from recouvrement.cli.base import setup

UNSUCCESSFUL = ("failed", "refused")


def register(commands: argparse._SubParsersAction) -> None:
    worker = commands.add_parser(
        "worker",
        help="travail de fond sans cron : préparation quotidienne, e-mails, imports",
    )
    worker.add_argument(
        "--interval",
        type=_seconds,
        metavar="SECONDES",
        help="attente entre deux passages quand rien n'est à faire (défaut : 5)",
    )
    worker.add_argument(
        "--once",
        action="store_true",
        help="un seul passage : le planning, puis toutes les tâches en file, puis s'arrête",
    )
    worker.add_argument("--json", action="store_true", help="résumé JSON en dernière ligne")
    worker.set_defaults(run=cmd_worker)


def _seconds(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre de secondes.")
    return value


def cmd_worker(args: argparse.Namespace) -> dict | tuple[dict, int]:
    setup()
    from recouvrement.db.models import ScheduledRun
    from recouvrement.jobs.worker import JobWorker

    ScheduledRun.objects.exists()  # a database not set up: the advice (cli.main), not a loop
    _log_to_stderr(logging.WARNING if args.once else logging.INFO)
    worker = JobWorker(interval=args.interval)
    if not args.once:
        _stop_on_signals(worker.stop)
    worker.serve(once=args.once)
    report = worker.report()
    for run in report["runs"]:
        print(_line(run))
    print(f"{report['tasks']} tâche(s) exécutée(s), {report['failed']} en échec.")
    unsuccessful = report["failed"] or any(run["status"] in UNSUCCESSFUL for run in report["runs"])
    if args.once and unsuccessful:  # cron mails the output of a pass that did not go well
        return report, 1
    return report


def _stop_on_signals(stop: threading.Event) -> None:
    """The first SIGTERM/SIGINT: stop after the task in progress; a second one: at once."""

    def handle(signum, frame) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)


class _Stderr(logging.StreamHandler):
    """Writes to the current `sys.stderr` (a test's capture, or the terminal)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def _log_to_stderr(level: int) -> None:
    logger = logging.getLogger("recouvrement.jobs")
    if not any(isinstance(handler, _Stderr) for handler in logger.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%d/%m/%Y %H:%M:%S"))
        logger.addHandler(handler)
    logger.setLevel(level)


def _line(run: dict) -> str:
    from recouvrement.db.models import ScheduledRun

    status = ScheduledRun.Status(run["status"]).label
    what = {"daily": "Préparation quotidienne", "outbox": "Envoi des e-mails"}.get(
        run["name"], run["name"]
    )
    where = f" de la société n° {run['company']}" if run["company"] else ""
    detail = f" — {run['error']}" if run["error"] else ""
    return f"{what}{where} ({run['slot']}) : {status}{detail}"
