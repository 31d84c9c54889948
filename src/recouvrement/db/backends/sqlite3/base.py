"""SQLite backend: Django's, with `recouvrement_wiping()` for the append-only triggers.

Journal rows and attached documents can never be deleted (M9, S10), except when the whole
database is wiped by `flush` (tests, `recouvrement manage flush`) — as PostgreSQL's TRUNCATE
does. A connection opened by another program lacks the function, so its DELETE fails too.
"""

from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def execute_sql_flush(self, sql_list: list[str]) -> None:
        self.connection.wiping = True
        try:
            super().execute_sql_flush(sql_list)
        finally:
            self.connection.wiping = False


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    wiping = False

    def get_new_connection(self, conn_params: dict):
        connection = super().get_new_connection(conn_params)
        connection.create_function("recouvrement_wiping", 0, lambda: self.wiping)
        return connection
