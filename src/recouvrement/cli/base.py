"""What every command shares: Django's setup, dates, the progress bar, French errors.

Nothing here imports Django at load time: `recouvrement --help` answers at once, and
`setup()` chooses the database before the settings are read.
"""

import os
import sys
from collections.abc import Callable
from datetime import date, datetime

DEFAULT_PORT = 8000


class CommandError(Exception):
    """A French message for the user; the command exits with status 2."""


def setup(database_url: str | None = None) -> None:
    if database_url:
        os.environ["RECOUVREMENT_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recouvrement.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:  # a setting read from the environment is wrong
        raise CommandError(str(error)) from None


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    # The shared cache's table (settings CACHES: every process and machine sees one cache).
    call_command("createcachetable", verbosity=0)


def today() -> date:
    """Today in the configured time zone, as the web pages see it (after `setup()`)."""
    from django.utils import timezone

    return timezone.localdate()


def parse_date(text: str | None) -> date:
    """ISO (2026-12-15) or French (15/12/2026); today when absent (after `setup()`)."""
    if not text:
        return today()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CommandError(f"Date invalide : « {text} » (attendu AAAA-MM-JJ ou JJ/MM/AAAA).")


def progress(label: str) -> Callable[[int, int], None] | None:
    """A one-line progress bar on a terminal; nothing when the output is a file or a pipe."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{end}")
        sys.stderr.flush()

    return show
