"""The demo's sample FEC: this week's accounts, to try « Importer » on the demo (B3–B5).

Written from the demo database itself: three customers paid everything their dossier follows
(the import closes the dossiers « Payé »), one paid what they promised (the promise is kept),
and a new customer has two unpaid invoices (created, ready for « Ouvrir les dossiers »).
"""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.db.models import Exists, OuterRef

from recouvrement.bench.fec import FecWriter, Invoice
from recouvrement.db.models import Allocation, Dossier, Intervention, Receivable
from recouvrement.domain.statuses import DossierStatus, InterventionKind, InterventionStatus

PAID_DOSSIERS = 3


def _unpaid_before(dossier: Dossier) -> list[Receivable]:
    allocated = Allocation.objects.filter(receivable=OuterRef("pk"))
    return list(
        Receivable.objects.filter(links__dossier=dossier, links__is_active=True)
        .filter(~Exists(allocated))
        .order_by("piece_date", "reference")
    )


def demo_fec_invoices(today: date) -> list[Invoice]:
    """The invoices of the sample file, with what is still open on each after this week."""
    invoices: list[Invoice] = []
    dossiers = Dossier.objects.filter(status=DossierStatus.OPEN).select_related("customer")
    promised = {
        i.dossier_id: i
        for i in Intervention.objects.filter(
            kind=InterventionKind.PROMISE, status=InterventionStatus.TODO
        )
    }
    paid = kept = 0
    for dossier in dossiers.order_by("number"):
        receivables = _unpaid_before(dossier)
        if not receivables or len(receivables) != dossier.links.filter(is_active=True).count():
            continue  # keep to dossiers whose échéances carry no earlier payment
        customer = dossier.customer
        promise = promised.get(dossier.pk)
        total = sum((r.open_amount for r in receivables), Decimal("0"))
        if promise is not None and not kept and promise.promise_amount < total:
            left = promise.promise_amount  # paid on time: the promise is kept, some is left
            kept += 1
        elif promise is None and paid < PAID_DOSSIERS:
            left = total
            paid += 1
        else:
            continue
        on = today - timedelta(days=1 + len(invoices) % 3)
        for receivable in receivables:
            part = min(left, receivable.open_amount)
            left -= part
            invoices.append(
                Invoice(
                    customer.code,
                    customer.name,
                    receivable.reference,
                    receivable.piece_date,
                    receivable.amount,
                    receivable.amount - part,
                    on if part else None,
                )
            )
    for number, days in enumerate((41, 12), start=1):  # a customer new to the file
        invoices.append(
            Invoice(
                "CLI0900",
                "Traiteur des Pentes SARL",
                f"FA{today.year}-9{number:04d}",
                today - timedelta(days=days + 30),
                Decimal("1840.00") * number,
                Decimal("1840.00") * number,
            )
        )
    return invoices


def write_demo_fec(folder: Path, today: date, siren: str) -> Path:
    """Write the sample FEC next to the demo database (once); returns its path."""
    path = folder / f"{siren or '000000000'}FEC{today:%Y%m%d}.txt"
    if path.exists():
        return path
    with path.open("w", encoding="utf-8", newline="\r\n") as out:
        writer = FecWriter(out)
        for invoice in demo_fec_invoices(today):
            writer.invoice(invoice)
    return path
