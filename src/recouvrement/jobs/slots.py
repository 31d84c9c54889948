"""The schedule's rules, pure: which slot a clock reading falls in (no Django, no clock).

A slot is text, so that one unique index covers a day and a minute: « 2026-12-02 » for a
company's daily run, « 2026-12-02T09:15 » for the outbox's minute. `now` is local time
(Europe/Paris): a company sets its hour as its people read the clock.
"""

from datetime import date, datetime, time

DAILY = "daily"  # the company's daily run (services.daily_run)
OUTBOX = "outbox"  # the e-mail outbox (services.emails.send_due_emails)
PROBE = "probe"  # a harmless task that records that it ran (the workers' tests)


def daily_slot(run_at: time | None, now: datetime) -> str | None:
    """Today's slot once the company's hour has passed today; None before it, or when the
    company runs nothing automatically (`run_at` None). A worker down at that hour runs it
    when it comes back, the same day; a day missed entirely is not caught up (the next
    run prepares everything due by then)."""
    if run_at is None or now.time() < run_at.replace(tzinfo=None):
        return None
    return now.date().isoformat()


def minute_slot(now: datetime) -> str:
    return now.strftime("%Y-%m-%dT%H:%M")


def slot_day(slot: str) -> date:
    """The local date of a slot (a daily run prepares on its slot's date, even if a busy
    worker only starts it after midnight)."""
    return date.fromisoformat(slot[:10])
