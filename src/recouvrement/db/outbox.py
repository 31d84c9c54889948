"""Reading the e-mail outbox for the screens (§3): each « E-mail » step's latest message, and
the company's « Envois » for the manager."""

from collections.abc import Iterable

from django.db.models import Case, Count, IntegerField, Max, QuerySet, Value, When
from django.db.models.functions import Coalesce

from recouvrement.db.models import Company, Dossier, OutgoingEmail

Status = OutgoingEmail.Status
# What a row shows: never its body, which may be long.
_SHOWN = (
    "intervention_id",
    "recipient",
    "subject",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "sent_at",
    "created_at",
)


def latest_emails(intervention_ids: Iterable[int]) -> dict[int, OutgoingEmail]:
    """The latest outbox row of each intervention, in one query."""
    ids = list(intervention_ids)
    if not ids:
        return {}
    latest = (
        OutgoingEmail.objects.filter(intervention_id__in=ids)
        .order_by()
        .values("intervention_id")
        .annotate(last=Max("pk"))
        .values("last")
    )
    rows = OutgoingEmail.objects.filter(pk__in=latest).only(*_SHOWN)
    return {row.intervention_id: row for row in rows}


def dossier_addresses(dossier_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Each dossier's contact's and customer's e-mail addresses, in one query."""
    rows = Dossier.objects.filter(pk__in=list(dossier_ids)).values_list(
        "pk", "contact__email", "customer__email"
    )
    return {pk: (contact or "", customer or "") for pk, contact, customer in rows}


# « Envois »: what needs a human first, then what waits, then what left, newest first.
_RANK = Case(
    When(status=Status.FAILED, then=Value(0)),
    When(status=Status.SENDING, then=Value(1)),
    When(status=Status.PENDING, then=Value(1)),
    When(status=Status.SENT, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def outbox_rows(company: Company, *, status: str = "") -> QuerySet[OutgoingEmail]:
    """The company's outbox for « Envois »: failures first, then pending, then sent (each
    newest first), then cancelled; `status`: only that one."""
    rows = OutgoingEmail.objects.filter(company=company)
    if status:
        rows = rows.filter(status=status)
    return (
        rows.select_related("intervention__dossier__customer")
        .only(
            *_SHOWN,
            "intervention__label",
            "intervention__dossier__number",
            "intervention__dossier__customer__code",
            "intervention__dossier__customer__name",
        )
        .annotate(rank=_RANK, recent=Coalesce("sent_at", "created_at"))
        .order_by("rank", "-recent", "-pk")
    )


def outbox_counts(company: Company) -> dict[str, int]:
    """The number of the company's outbox rows by status, in one query."""
    rows = OutgoingEmail.objects.filter(company=company).order_by().values("status")
    return {row["status"]: row["n"] for row in rows.annotate(n=Count("pk"))}
