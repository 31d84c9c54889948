"""SQLite backend: Django's, with `recouvrement_wiping()` for the append-only triggers and
`recouvrement_search_key()` for the searches (db/functions.py).

Journal rows and attached documents can never be deleted (M9, S10), except when the whole
database is wiped by `flush` (tests, `recouvrement manage flush`) — as PostgreSQL's TRUNCATE
does. A connection opened by another program lacks the function, so its DELETE fails too.

The database file is created readable by its owner only (0600) before SQLite opens it; SQLite
gives its -wal and -shm files the database file's mode.
"""

import contextlib
import os
from pathlib import Path

from django.db.backends.sqlite3 import base, operations

from recouvrement.db.functions import SEARCH_KEY
from recouvrement.domain.text import search_key


def _search_key(text: str | None) -> str | None:
    return None if text is None else search_key(text)


class DatabaseOperations(operations.DatabaseOperations):
    def execute_sql_flush(self, sql_list: list[str]) -> None:
        self.connection.wiping = True
        try:
            super().execute_sql_flush(sql_list)
        finally:
            self.connection.wiping = False


def create_owner_only(name: str | os.PathLike) -> None:
    """Create the database file 0600 if it does not exist yet (not for in-memory databases)."""
    text = str(name)
    if not text or text == ":memory:" or text.startswith("file:"):
        return
    path = Path(text)
    if path.exists() or not path.parent.is_dir():
        return  # an existing database keeps its mode; a missing folder: SQLite's own error
    with contextlib.suppress(FileExistsError):  # created by another process meanwhile
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    wiping = False

    def get_new_connection(self, conn_params: dict):
        create_owner_only(conn_params["database"])
        connection = super().get_new_connection(conn_params)
        connection.create_function("recouvrement_wiping", 0, lambda: self.wiping)
        connection.create_function(SEARCH_KEY, 1, _search_key, deterministic=True)
        return connection
