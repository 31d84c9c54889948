"""« Structure › Journal » exported: the company's own journal rows with the page's filter,
newest first, for a responsable recouvrement only (as the page)."""

from collections.abc import Iterable, Iterator
from itertools import islice

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from recouvrement.db.company_journal import (
    JournalLine,
    company_actions,
    company_rows,
    journal_lines,
)
from recouvrement.db.models import Company
from recouvrement.exports.columns import Column, Kind, Table
from recouvrement.web.exports import export_response
from recouvrement.web.structure.journal import READ_JOURNAL
from recouvrement.web.workspace import current_workspace

CHUNK = 2000


def _changes(line: JournalLine) -> str:
    """« Avant / après » in one cell: « champ : avant → après » per change."""
    return " ; ".join(
        f"{change.field} : {change.before} → {change.after}".lstrip(" :") for change in line.changes
    )


COLUMNS = (
    Column.of("Date", Kind.DATETIME, lambda line: line.at),
    Column.of("Utilisateur", Kind.TEXT, lambda line: line.who),
    Column.of("Type", Kind.TEXT, lambda line: line.label),
    Column.of("Description", Kind.TEXT, lambda line: line.message),
    Column.of("Avant / après", Kind.TEXT, _changes),
)


def _lines(entries: Iterable) -> Iterator[JournalLine]:
    entries = iter(entries)
    while chunk := list(islice(entries, CHUNK)):
        yield from journal_lines(chunk)


def journal_table(company: Company, action: str) -> Table:
    rows = company_rows(company, action=action).iterator(chunk_size=CHUNK)
    return Table("journal", "Journal", COLUMNS, _lines(rows))


@login_required
def journal_export(request: HttpRequest, fmt: str) -> HttpResponse:
    workspace = current_workspace(request)
    workspace.require_manager(READ_JOURNAL)
    action = request.GET.get("action", "")
    if action not in dict(company_actions(workspace.company)):  # as the page: else all
        action = ""
    return export_response(journal_table(workspace.company, action), fmt)
