"""`recouvrement token create|list|revoke`: personal API tokens (issue 14 §3, B7).

`create` prints the token once (only its SHA-256 is kept): copy it at once.
"""

import argparse

from recouvrement.cli.base import CommandError, setup


def register(commands: argparse._SubParsersAction) -> None:
    token = commands.add_parser("token", help="jetons d'API personnels : crée, liste, révoque")
    actions = token.add_subparsers(dest="token_command", required=True)
    create = actions.add_parser("create", help="crée un jeton et l'affiche, une seule fois")
    create.add_argument("username", metavar="UTILISATEUR")
    create.add_argument("--name", default="Ligne de commande", help="nom du jeton")
    create.add_argument("--json", action="store_true", help="le jeton en JSON, seul")
    create.set_defaults(run=cmd_create)
    listing = actions.add_parser("list", help="liste les jetons d'un utilisateur")
    listing.add_argument("username", metavar="UTILISATEUR")
    listing.add_argument("--json", action="store_true", help="la liste en JSON")
    listing.set_defaults(run=cmd_list)
    revoke = actions.add_parser("revoke", help="révoque un jeton (son numéro : `token list`)")
    revoke.add_argument("token_id", metavar="ID", type=int)
    revoke.add_argument("--json", action="store_true", help="résumé JSON")
    revoke.set_defaults(run=cmd_revoke)


def _user(username: str):
    from django.contrib.auth.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"Utilisateur inconnu : « {username} ».")
    return user


def _when(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else "—"


def cmd_create(args: argparse.Namespace) -> dict:
    setup()
    from django.core.exceptions import PermissionDenied, ValidationError

    from recouvrement.services.api_tokens import create_token

    user = _user(args.username)
    try:
        token, plain = create_token(user, name=args.name)
    except (ValidationError, PermissionDenied) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        raise CommandError("; ".join(messages)) from None
    if not args.json:
        print(f"Jeton d'API n° {token.pk} « {token.name} » de « {user.username} » :")
        print(plain)
        print("Copiez-le maintenant : il ne sera plus affiché.")
    return {"token": plain, "id": token.pk, "name": token.name, "user": user.username}


def cmd_list(args: argparse.Namespace) -> dict:
    setup()
    from recouvrement.services.api_tokens import visible_tokens

    user = _user(args.username)
    tokens = list(visible_tokens(user))
    if not args.json:
        if not tokens:
            print(f"Aucun jeton d'API pour « {user.username} ».")
        for token in tokens:
            state = f"révoqué le {_when(token.revoked_at)}" if token.revoked_at else "actif"
            print(
                f"{token.pk:>6}  {token.prefix}…  {token.name:<30}  créé le "
                f"{_when(token.created_at)}  utilisé le {_when(token.last_used_at)}  {state}"
            )
    return {
        "user": user.username,
        "tokens": [
            {
                "id": token.pk,
                "name": token.name,
                "prefix": token.prefix,
                "created_at": token.created_at.isoformat(),
                "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
                "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
            }
            for token in tokens
        ],
    }


def cmd_revoke(args: argparse.Namespace) -> dict:
    setup()
    from recouvrement.db.models import ApiToken
    from recouvrement.services.api_tokens import revoke_token

    try:
        token = revoke_token(None, args.token_id)
    except ApiToken.DoesNotExist:
        raise CommandError(f"Jeton d'API inconnu : n° {args.token_id}.") from None
    if not args.json:
        print(f"Jeton d'API n° {token.pk} « {token.name} » de « {token.user.username} » révoqué.")
    return {"id": token.pk, "name": token.name, "revoked_at": token.revoked_at.isoformat()}
