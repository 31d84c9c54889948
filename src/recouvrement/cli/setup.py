"""`recouvrement init`: one's own company and its first manager (PRODUCT §9 O1).

Scriptable (`--no-input`, the password in RECOUVREMENT_INIT_PASSWORD, `--json`) and
interactive (missing fields and the password asked on the terminal). Also what every command
answers on a database never set up (`unmigrated_message`).
"""

import argparse
import getpass
import os
import sys

from recouvrement.cli.base import DEFAULT_PORT, CommandError, migrate, setup

PASSWORD_VARIABLE = "RECOUVREMENT_INIT_PASSWORD"
PASSWORD_ATTEMPTS = 3
# Option → (the identity's field, the question asked on a terminal when it is missing).
REQUIRED = {
    "company": ("name", "Raison sociale de la société : "),
    "siren": ("siren", "SIREN (9 chiffres) : "),
    "city": ("city", "Ville (pour « Lyon, le … ») : "),
    "manager": ("username", "Identifiant du responsable recouvrement : "),
}
OPTIONAL = ("address", "postal_code", "iban", "bic", "email", "phone")
# The services' field names → the options a user types.
OPTION_OF = {
    "name": "--company",
    "siren": "--siren",
    "city": "--city",
    "address": "--address",
    "postal_code": "--postal-code",
    "iban": "--iban",
    "bic": "--bic",
    "email": "--email",
    "phone": "--phone",
    "manager": "--manager",
    "manager_email": "--manager-email",
    "password": "mot de passe",
}


def register(commands: argparse._SubParsersAction) -> None:
    init = commands.add_parser(
        "init", help="crée votre société et son premier responsable recouvrement"
    )
    init.add_argument("--company", help="raison sociale")
    init.add_argument("--siren", help="SIREN, 9 chiffres")
    init.add_argument("--city", help="ville (pour « Lyon, le … » sur les courriers)")
    init.add_argument("--address", default="", help="adresse (numéro et rue)")
    init.add_argument("--postal-code", default="", help="code postal")
    init.add_argument("--iban", default="", help="IBAN imprimé sur les courriers")
    init.add_argument("--bic", default="")
    init.add_argument("--email", default="", help="e-mail de la société")
    init.add_argument("--phone", default="", help="téléphone de la société")
    init.add_argument("--manager", help="identifiant du premier responsable recouvrement")
    init.add_argument("--manager-email", default="", help="e-mail du responsable")
    init.add_argument(
        "--no-input",
        action="store_true",
        help=f"ne rien demander : le mot de passe est lu dans {PASSWORD_VARIABLE}",
    )
    init.add_argument("--json", action="store_true", help="résumé JSON en dernière ligne")
    init.set_defaults(run=cmd_init)


def _refused(error) -> CommandError:
    """A ValidationError as one French line per field, named as the user typed it."""
    if hasattr(error, "error_dict"):
        lines = [
            f"{OPTION_OF.get(field, field)} : {message}"
            for field, errors in error.error_dict.items()
            for message in (m for e in errors for m in e.messages)
        ]
    else:
        lines = list(error.messages)
    return CommandError("\n".join(lines))


def _ask(question: str) -> str:
    try:
        return input(question).strip()
    except EOFError:
        raise CommandError("Saisie interrompue.") from None


def _identity_and_manager(args: argparse.Namespace):
    from recouvrement.services.companies import CompanyIdentity, FirstManager

    values = {}
    missing = []
    for option, (field, question) in REQUIRED.items():
        value = (getattr(args, option) or "").strip()
        if not value and not args.no_input:
            value = _ask(question)
        if not value:
            missing.append(f"--{option}")
        values[field] = value
    if missing:
        raise CommandError(f"Option(s) obligatoire(s) manquante(s) : {', '.join(missing)}.")
    identity = CompanyIdentity(
        name=values["name"],
        siren=values["siren"],
        city=values["city"],
        **{field: getattr(args, field) for field in OPTIONAL},
    )
    return identity, FirstManager(values["username"], args.manager_email)


def _environment_password() -> str:
    password = os.environ.get(PASSWORD_VARIABLE, "")
    if not password:
        raise CommandError(
            f"Avec --no-input, donnez le mot de passe du responsable dans la variable "
            f"d'environnement {PASSWORD_VARIABLE}."
        )
    return password


def _typed_password(manager) -> str:
    """Asked twice on the terminal, checked by Django's validators (asked again, at most
    PASSWORD_ATTEMPTS times)."""
    from dataclasses import replace

    from django.core.exceptions import ValidationError

    from recouvrement.services.companies import check_first_manager

    if not sys.stdin.isatty():
        raise CommandError(
            "Pas de terminal pour saisir le mot de passe : lancez la commande dans un "
            f"terminal, ou avec --no-input et la variable {PASSWORD_VARIABLE}."
        )
    for _ in range(PASSWORD_ATTEMPTS):
        password = getpass.getpass(f"Mot de passe de « {manager.username} » : ")
        try:
            check_first_manager(replace(manager, password=password))
        except ValidationError as error:
            print("\n".join(error.messages), file=sys.stderr)
            continue
        if getpass.getpass("Confirmez le mot de passe : ") == password:
            return password
        print("Les deux saisies diffèrent.", file=sys.stderr)
    raise CommandError("Mot de passe non défini : rien n'a été créé.")


def cmd_init(args: argparse.Namespace) -> dict:
    setup()
    migrate()
    from dataclasses import replace

    from django.core.exceptions import ValidationError
    from django.urls import reverse

    from recouvrement.domain.identity import format_siren
    from recouvrement.services.companies import check_set_up, set_up_company

    identity, manager = _identity_and_manager(args)
    if args.no_input:
        manager = replace(manager, password=_environment_password())
    try:  # every field at fault at once, before the password is typed
        check_set_up(identity, manager)
    except ValidationError as error:
        raise _refused(error) from None
    if manager.password is None:
        manager = replace(manager, password=_typed_password(manager))
    try:
        done = set_up_company(identity, manager)
    except ValidationError as error:
        raise _refused(error) from None
    login_url = f"http://127.0.0.1:{DEFAULT_PORT}{reverse('login')}"
    summary = done.as_json()
    company = summary["company"]
    siren = format_siren(company["siren"])
    print(f"Société créée : {company['name']} (SIREN {siren}), {company['city']}")
    print(f"Scénarios : {', '.join(company['scenarios'])}")
    print(f"Modèles de courrier : {len(company['letter_templates'])}")
    print(f"Responsable recouvrement : {done.manager.username}")
    print(f"Connexion : {login_url} (une fois l'application servie par « recouvrement serve »)")
    print("Ensuite : recouvrement import VOTRE_FEC.txt, puis open-dossiers, prepare et letters.")
    return {**summary, "login_url": login_url}


def unmigrated_message(error: Exception) -> str | None:
    """What to do when a command failed on a database never set up or not up to date (its
    migrations not applied), else None: the error is another one."""
    from django.db import DatabaseError

    if not isinstance(error, DatabaseError):
        return None
    return set_up_message()


def set_up_message() -> str | None:
    """What to do when the database is not set up or not up to date, else None (for commands
    that would otherwise succeed on an empty database, such as `backup`)."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return None
        tables = connection.introspection.table_names()
    except DatabaseError:
        return None
    where = connection.settings_dict.get("NAME") or "?"
    if "recouvrement_company" in tables:
        return (
            f"La base de données « {where} » n'est pas à jour : lancez "
            "« recouvrement manage migrate » (« recouvrement serve » le fait au démarrage)."
        )
    return (
        f"La base de données « {where} » n'est pas initialisée : créez votre société avec "
        "« recouvrement init --company … --siren … --city … --manager … », ou indiquez votre "
        "base dans RECOUVREMENT_DATABASE_URL (voir le README, « Votre société »)."
    )
