"""`recouvrement backup` and `recouvrement restore` (O5)."""

import argparse
import json
from pathlib import Path

from recouvrement.cli.base import CommandError, setup


def register(commands: argparse._SubParsersAction) -> None:
    backup = commands.add_parser(
        "backup", help="sauvegarde la base, les documents et un manifeste en une archive"
    )
    backup.add_argument(
        "--out", required=True, help="archive à écrire (.tar, ou .tar.gz / .tgz compressée)"
    )
    backup.add_argument("--json", action="store_true", help="résumé JSON en dernière ligne")
    backup.set_defaults(run=cmd_backup)

    restore = commands.add_parser(
        "restore", help="restaure une sauvegarde dans une base vide, puis la vérifie"
    )
    restore.add_argument("archive", help="l'archive écrite par « recouvrement backup »")
    restore.add_argument(
        "--db",
        required=True,
        help="base cible, vide : sqlite:///chemin, postgresql://… ou le chemin d'un fichier",
    )
    restore.add_argument(
        "--data-dir",
        help="dossier des données de la base restaurée (documents) ; défaut : celui de la "
        "base SQLite, ou RECOUVREMENT_DATA_DIR",
    )
    restore.add_argument("--json", action="store_true", help="résumé JSON en dernière ligne")
    restore.set_defaults(run=cmd_restore)


def _megabytes(size: int) -> str:
    return f"{size / 1024**2:.1f}".replace(".", ",") + " Mo"


def cmd_backup(args: argparse.Namespace) -> dict:
    setup()
    from recouvrement.cli.setup import set_up_message
    from recouvrement.operations.archive import BackupError
    from recouvrement.operations.backup import create_backup, engine_label

    if (message := set_up_message()) is not None:  # an archive of nothing helps nobody
        raise CommandError(f"{message} Aucune sauvegarde écrite.")
    try:
        summary = create_backup(Path(args.out))
    except BackupError as error:
        raise CommandError(f"{error} Aucune sauvegarde écrite.") from error
    print(
        f"Sauvegarde {engine_label(summary.engine)} écrite : {summary.out} "
        f"({_megabytes(summary.size)}) — {summary.rows} ligne(s) dans {len(summary.tables)} "
        f"table(s), {summary.documents} document(s), en {summary.seconds:.1f} s."
    )
    if summary.missing:
        shown = ", ".join(summary.missing[:5]) + ("…" if len(summary.missing) > 5 else "")
        print(
            f"Attention : {len(summary.missing)} document(s) manquent dans le stockage des "
            f"documents ({shown}) ; lancez « recouvrement verify »."
        )
    return summary.as_json()


def cmd_restore(args: argparse.Namespace) -> dict:
    # No setup(): the configured database is not the one restored.
    from recouvrement.operations.archive import BackupError
    from recouvrement.operations.restore import restore_backup

    try:
        summary = restore_backup(Path(args.archive), args.db, args.data_dir)
    except BackupError as error:
        raise CommandError(str(error)) from error
    result = summary.as_json()
    print(
        f"Sauvegarde du {summary.manifest.get('created_at')} restaurée dans {summary.database} "
        f"— {result['rows']} ligne(s), {summary.documents} document(s) dans "
        f"{summary.documents_place}, en {summary.seconds:.1f} s."
    )
    if not summary.verified:
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        problems = "; ".join(str(p) for p in summary.verify.get("problems", [])[:3])
        raise CommandError(f"La vérification de la base restaurée a échoué : {problems}")
    print("Vérification de la base restaurée : aucune anomalie.")
    return result
