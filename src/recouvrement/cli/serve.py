"""`recouvrement demo` and `recouvrement serve`: the application served by waitress (one
process, threads) or, with `--workers N` (N > 1), by gunicorn (N pre-forked processes, each
with its own threads and its own database connections: issue 16 §2).

`serve` on a database without a company prints the one-time link of the web « Première
installation »; the demo database always has its company.
"""

import argparse
import json
import os
import signal
from pathlib import Path

from recouvrement.cli.base import DEFAULT_PORT, migrate, setup

# gunicorn kills a worker silent this long; a sync worker is silent for a whole request, and
# a batch of letters or a large export may take a minute on a small machine.
WORKER_TIMEOUT = 120
WORKER_HINT = "imports, préparation quotidienne, envoi des e-mails"


def register(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser("demo", help="crée la base de démonstration et la sert")
    demo.add_argument("--db", default="recouvrement-demo.sqlite3", help="fichier SQLite")
    demo.add_argument("--port", type=int, default=DEFAULT_PORT)
    demo.add_argument("--no-serve", action="store_true", help="crée la base sans la servir")
    demo.add_argument("--json", action="store_true", help="résumé JSON en dernière ligne")
    demo.set_defaults(run=cmd_demo)

    serve = commands.add_parser(
        "serve", help="sert l'application (waitress ; gunicorn avec --workers N)"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument(
        "--workers",
        type=_at_least_one,
        default=1,
        help="processus serveurs (1 : waitress ; au-delà : gunicorn, processus pré-forkés)",
    )
    serve.add_argument("--threads", type=_at_least_one, default=8, help="fils par processus")
    serve.add_argument("--no-migrate", action="store_true", help="ne pas migrer la base")
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="sans les tâches de fond dans ce processus (un « recouvrement worker » les fait)",
    )
    serve.set_defaults(run=cmd_serve)


def _at_least_one(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"nombre entier ≥ 1 attendu : « {text} »")
    return value


def _serve(host: str, port: int, threads: int, workers: int = 1, background: bool = True) -> None:
    """Serve until Ctrl+C or SIGTERM: waitress in this process, or gunicorn's N workers.

    One process also runs the background work (imports, the daily run, the outbox: issue 16
    §3) in a thread, unless `background` is off: a one-machine install needs nothing else.
    Several processes leave it to `recouvrement worker`, run apart (one or more, any machine).
    """
    if workers > 1:
        print(f"Tâches de fond : lancez « recouvrement worker » ({WORKER_HINT}).", flush=True)
        _serve_forked(host, port, threads, workers)
        return
    if not background:
        _serve_threaded(host, port, threads)
        return
    import threading

    from recouvrement.jobs.worker import start_in_thread

    stop = threading.Event()
    # A second between two looks at an empty queue: an import clicked on the page starts at
    # once (a SELECT on this one database; separate workers keep their 5 s).
    worker = start_in_thread(stop, interval=1)
    print("Tâches de fond : exécutées par ce processus.", flush=True)
    try:
        _serve_threaded(host, port, threads)
    finally:
        stop.set()  # the task in progress ends first (an import is one transaction)
        worker.join(timeout=60)


def _start_line(host: str, port: int, threads: int, workers: int) -> str:
    return (
        f"Recouvrement est servi sur http://{host}:{port}/ par {workers} processus "
        f"de {threads} fil(s) (Ctrl+C pour arrêter)"
    )


def _serve_threaded(host: str, port: int, threads: int) -> None:
    import waitress

    from recouvrement.wsgi import application

    # SIGTERM (a service manager, `kill`) stops as Ctrl+C does: waitress closes its sockets.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        print(_start_line(host, port, threads, 1), flush=True)
        waitress.serve(application, host=host, port=port, threads=threads, ident="recouvrement")
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _serve_forked(host: str, port: int, threads: int, workers: int) -> None:
    """gunicorn's arbiter in this process, `workers` processes forked from it. The application
    is loaded here once (Django set up, migrations run), then each worker inherits it; the
    database connections and psycopg's pool are closed first: each worker opens its own at
    its first query (Django creates the pool lazily, per process)."""
    close_database_connections()
    _run_gunicorn(host, port, threads, workers)


def close_database_connections() -> None:
    """Close this process's connections and PostgreSQL pool: a process forked afterwards
    shares no socket with this one and opens its own pool at its first query."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
        if close_pool := getattr(connection, "close_pool", None):  # PostgreSQL's pool
            close_pool()


def _run_gunicorn(host: str, port: int, threads: int, workers: int) -> None:
    # Imported only when several workers are asked for: gunicorn does not run on Windows.
    from gunicorn.app.base import BaseApplication

    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        # One thread: the sync worker (a request at a time, no keep-alive); more: gthread,
        # its threads per worker as waitress's (see the serve bench for the choice).
        "worker_class": "gthread" if threads > 1 else "sync",
        "threads": threads,
        "preload_app": True,  # loaded once in the parent, shared copy-on-write
        "timeout": WORKER_TIMEOUT,
        "graceful_timeout": 10,
        "control_socket_disable": True,  # one fixed socket path: two servers would clash
        "proc_name": "recouvrement",
        "loglevel": "warning",
        "when_ready": lambda arbiter: print(_start_line(host, port, threads, workers), flush=True),
    }

    class Application(BaseApplication):
        """gunicorn configured from our arguments, not from its command line or a file."""

        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            from recouvrement.wsgi import application

            return application

    Application().run()


def cmd_demo(args: argparse.Namespace) -> dict:
    db = Path(args.db).resolve()
    # The demo's e-mails have no real server to go to: its background work leaves them queued.
    os.environ.setdefault("RECOUVREMENT_WORKER_SENDS_EMAILS", "0")
    setup(f"sqlite:///{db}")
    migrate()
    from recouvrement import demo
    from recouvrement.db.models import Company
    from recouvrement.demo.fec import write_demo_fec
    from recouvrement.domain.statuses import Role

    if Company.objects.exists():
        print(f"Base de démonstration existante : {db}")
        summary = demo.demo_summary()
    else:
        print(f"Création de la base de démonstration : {db}")
        summary = demo.build_demo()
    company = Company.objects.order_by("pk").first()
    fec = write_demo_fec(db.parent, demo.DEMO_TODAY, company.siren)
    summary["sample_fec"] = str(fec)
    url = f"http://127.0.0.1:{args.port}/"
    print(f"Adresse : {url}")
    print(f"FEC d'exemple à importer (menu Importer) : {fec}")
    print("Identifiants :")
    for user in summary["users"]:
        who = f" — {user['collaborator']}" if user["collaborator"] else ""
        role = Role(user["role"]).label
        print(f"  {user['username']:<16} {user['password']:<22} {role}{who}")
    if not args.no_serve:
        if args.json:
            print(json.dumps({**summary, "url": url}, ensure_ascii=False), flush=True)
        _serve("127.0.0.1", args.port, threads=8, workers=1)
    return {**summary, "url": url}


def first_run_address(host: str, port: int) -> str | None:
    """While no company exists: the « Première installation » page with a new one-time token
    (PRODUCT §9 O1), as notebook servers print theirs; None once a company exists."""
    from django.urls import reverse

    from recouvrement.services.companies import open_first_run

    token = open_first_run()
    if token is None:
        return None
    shown = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    return f"http://{shown}:{port}{reverse('first_run')}?jeton={token}"


def cmd_serve(args: argparse.Namespace) -> None:
    # PostgreSQL: each process's connection pool holds as many connections as it has threads,
    # plus two (settings § « Issue 16 §2 »), unless the environment sets it.
    os.environ.setdefault("RECOUVREMENT_DB_POOL_MAX", str(args.threads + 2))
    setup()
    if not args.no_migrate:
        migrate()
    if address := first_run_address(args.host, args.port):
        print(
            "Aucune société dans cette base. Première installation (lien à usage unique) :\n"
            f"    {address}\n"
            "ou, sur ce serveur : recouvrement init --help",
            flush=True,
        )
    _serve(args.host, args.port, args.threads, args.workers)
