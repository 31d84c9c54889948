"""`recouvrement verify` (O6): the journal's hash chains and the SHA-256 of every kept file."""

import argparse

from recouvrement.cli.base import setup

LABELS = {
    "journal_rows": "Journal : {} ligne(s) de {companies} société(s), chaînes recalculées",
    "print_batches": "PDF conservés : {} (dont {email_pdfs} d'e-mails), empreintes recalculées",
    "evidence_packs": "Dossiers de preuve : {} (PDF et ZIP), empreintes recalculées",
    "documents": "Documents attachés : {} fichier(s), empreintes recalculées",
    "accounting_files": "Fichiers d'import comptable : {} fichier(s), empreintes recalculées",
}
CHECKS = {"journal_rows": "journal"}  # the problems' check when it is named otherwise


def _number(count: int) -> str:
    return f"{count:,}".replace(",", " ")  # 101 000


def register(commands: argparse._SubParsersAction) -> None:
    verify = commands.add_parser(
        "verify",
        help="vérifie le journal chaîné et les empreintes des PDF et documents (sortie 1 si "
        "une anomalie est trouvée)",
    )
    verify.add_argument("--json", action="store_true", help="rapport JSON en dernière ligne")
    verify.set_defaults(run=cmd_verify)


def cmd_verify(args: argparse.Namespace) -> tuple[dict, int]:
    setup()
    from recouvrement.services.integrity import verify

    report = verify()
    for check, label in LABELS.items():
        failed = report.failed.get(CHECKS.get(check, check), 0)
        state = f"{failed} anomalie(s)" if failed else "conforme"
        counts = {name: _number(count) for name, count in report.checked.items()}
        print(f"{label.format(counts.get(check, 0), **counts)} : {state}.")
    for problem in report.problems:
        print(f"  - {problem}")
    if report.ok:
        print(f"Intégrité vérifiée en {report.seconds:.1f} s : aucune anomalie.")
    else:
        print(f"Intégrité : {len(report.problems)} anomalie(s) trouvée(s).")
    return report.as_json(), 0 if report.ok else 1
