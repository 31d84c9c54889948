"""The `recouvrement` command (PRODUCT §6): demo, serve, prepare, import, letters, bench…

One module per group of commands, each adding its own sub-commands (`register`): `setup`
(init), `serve` (demo, serve), `daily` (prepare, letters, send-emails, open-dossiers),
`imports` (import), `rates` (rates), `tools` (bench, manage) and `backup` (backup,
restore); `base` holds what they share.
"""

import argparse
import json
import sys

from recouvrement.cli import (
    backup,
    daily,
    evidence,
    imports,
    integrity,
    priority,
    rates,
    reports,
    serve,
    setup,
    tokens,
    tools,
    worker,
)
from recouvrement.cli.base import CommandError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="recouvrement", description="Recouvrement de créances : poste de travail."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for group in (
        setup,
        serve,
        daily,
        imports,
        rates,
        tools,
        backup,
        integrity,
        tokens,
        reports,
        evidence,
        priority,
        worker,
    ):
        group.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result = args.run(args)
    except CommandError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a database never set up: say how to set it up (O1)
        if (message := setup.unmigrated_message(error)) is None:
            raise
        print(f"Erreur : {message}", file=sys.stderr)
        return 2
    code = 0
    if isinstance(result, tuple):  # (JSON, exit status): a check that found problems
        result, code = result
    if isinstance(result, dict) and getattr(args, "json", False):
        print(json.dumps(result, ensure_ascii=False))
    return code
