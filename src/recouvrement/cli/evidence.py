"""`recouvrement evidence DOSSIER_NUMBER --out FILE.pdf [--zip FILE.zip]`: the « Dossier de
preuve » (B8) of a dossier, built and stored by services.evidence, written to files."""

import argparse
from pathlib import Path

from recouvrement.cli.base import CommandError, setup, today
from recouvrement.cli.imports import _company


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "evidence",
        help="dossier de preuve (contentieux) d'un dossier : PDF avec signets et ZIP des pièces",
    )
    command.add_argument("dossier", help="numéro du dossier de recouvrement")
    command.add_argument("--out", required=True, help="fichier PDF à écrire")
    command.add_argument("--zip", help="fichier ZIP des pièces à écrire")
    command.add_argument("--company", help="société (SIREN ou nom) s'il y en a plusieurs")
    command.add_argument("--json", action="store_true", help="résultat JSON en dernière ligne")
    command.set_defaults(run=cmd_evidence)


def cmd_evidence(args: argparse.Namespace) -> dict:
    setup()
    from django.core.exceptions import PermissionDenied, ValidationError

    from recouvrement.services.evidence import build_evidence_pack, find_dossier

    company = _company(args.company)
    try:
        dossier = find_dossier(company.pk, args.dossier)
        built = build_evidence_pack(dossier, today=today(), user=None)
    except (ValidationError, PermissionDenied) as refusal:
        raise CommandError(" ".join(getattr(refusal, "messages", [str(refusal)]))) from None
    pack = built.pack
    _write(Path(args.out), bytes(pack.pdf))
    if args.zip:
        _write(Path(args.zip), bytes(pack.zip))
    route = built.route
    print(f"Dossier de preuve {dossier.number} : {len(built.pieces)} pièce(s), {args.out}")
    print(f"Voie proposée : {route.label} — {route.authority} ({route.legal_basis})")
    for piece in built.pieces:
        print(f"  Pièce {piece.number} : {piece.title}  SHA-256 {piece.sha256}")
    print(f"SHA-256 du PDF : {pack.sha256}")
    return {
        "dossier": dossier.number,
        "pack": pack.pk,
        "pdf": args.out,
        "zip": args.zip,
        "sha256": pack.sha256,
        "zip_sha256": pack.zip_sha256,
        "amount_claimed": str(built.claim.total),
        "route": route.kind.value,
        "route_label": route.label,
        "pieces": [piece.as_dict() for piece in built.pieces],
    }


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as error:
        raise CommandError(f"Impossible d'écrire « {path} » : {error.strerror}.") from None
