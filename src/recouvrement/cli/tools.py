"""`recouvrement bench` (the performance budgets) and `recouvrement manage` (Django's commands)."""

import argparse
import json
import os
import tempfile

from recouvrement.cli.base import CommandError, migrate, setup

BENCHES = ("worklist", "pages", "prepare", "letters", "import", "export", "serve")


def register(commands: argparse._SubParsersAction) -> None:
    bench = commands.add_parser("bench", help="bancs d'essai des budgets de performance")
    bench.add_argument("--size", type=int, default=10_000, help="nombre de dossiers")
    bench.add_argument("--only", choices=BENCHES)
    bench.set_defaults(run=cmd_bench)

    manage = commands.add_parser("manage", help="commandes d'administration de Django")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(run=cmd_manage)


def cmd_bench(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="recouvrement-bench-") as folder:
        url = os.environ.get("RECOUVREMENT_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        setup(url)
        migrate()
        from recouvrement.bench.runner import run
        from recouvrement.db.models import Company

        if Company.objects.exists():
            raise CommandError("Le banc d'essai demande une base vide (RECOUVREMENT_DATABASE_URL).")
        for figure in run(args.size, args.only):
            print(json.dumps(figure), flush=True)


def cmd_manage(args: argparse.Namespace) -> None:
    setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["recouvrement manage", *args.arguments])
