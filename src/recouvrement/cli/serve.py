"""`recouvrement demo` and `recouvrement serve`: the application served by waitress.

`serve` on a database without a company prints the one-time link of the web « Première
installation »; the demo database always has its company.
"""

import argparse
import json
from pathlib import Path

from recouvrement.cli.base import DEFAULT_PORT, migrate, setup


def register(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser("demo", help="crée la base de démonstration et la sert")
    demo.add_argument("--db", default="recouvrement-demo.sqlite3", help="fichier SQLite")
    demo.add_argument("--port", type=int, default=DEFAULT_PORT)
    demo.add_argument("--no-serve", action="store_true", help="crée la base sans la servir")
    demo.add_argument("--json", action="store_true", help="résumé JSON en dernière ligne")
    demo.set_defaults(run=cmd_demo)

    serve = commands.add_parser("serve", help="sert l'application (serveur WSGI waitress)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--threads", type=int, default=8)
    serve.add_argument("--no-migrate", action="store_true", help="ne pas migrer la base")
    serve.set_defaults(run=cmd_serve)


def _serve(host: str, port: int, threads: int) -> None:
    import waitress

    from recouvrement.wsgi import application

    print(f"Recouvrement est servi sur http://{host}:{port}/ (Ctrl+C pour arrêter)", flush=True)
    waitress.serve(application, host=host, port=port, threads=threads, ident="recouvrement")


def cmd_demo(args: argparse.Namespace) -> dict:
    db = Path(args.db).resolve()
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
        _serve("127.0.0.1", args.port, threads=8)
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
    _serve(args.host, args.port, args.threads)
