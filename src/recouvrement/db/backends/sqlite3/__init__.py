"""Django's SQLite backend, plus the one function the append-only triggers ask for."""
