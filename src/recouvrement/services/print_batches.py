"""Print batches kept as printed (S7), emitted again byte for byte (« Réimprimer le lot »).

Reads only: a batch is found by its number, and its PDF is given back only while it matches
the SHA-256 stored when it was printed.
"""

import hashlib

from django.core.exceptions import ValidationError

from recouvrement.db.models import Company, PrintBatch

BATCH_UNKNOWN = "batch_unknown"
BATCH_FOREIGN = "batch_foreign"
BATCH_ALTERED = "batch_altered"


def find_batch(number: int, *, company: Company | None = None) -> PrintBatch:
    """The print batch of this number (of `company`, when given)."""
    batch = PrintBatch.objects.select_related("company").filter(pk=number).first()
    if batch is None:
        raise ValidationError(f"Aucun lot d'impression n° {number}.", code=BATCH_UNKNOWN)
    if company is not None and batch.company_id != company.pk:
        raise ValidationError(
            f"Le lot d'impression n° {number} n'est pas un lot de {company}.", code=BATCH_FOREIGN
        )
    return batch


def batch_pdf(batch: PrintBatch) -> bytes:
    """The batch's PDF exactly as printed, once checked against its SHA-256."""
    pdf = bytes(batch.pdf)
    if hashlib.sha256(pdf).hexdigest() != batch.sha256:
        raise ValidationError(
            f"Le lot d'impression n° {batch.pk} ne correspond plus à l'empreinte SHA-256 "
            "enregistrée à son impression : il a été modifié, réimpression refusée "
            "(« recouvrement verify » le signale).",
            code=BATCH_ALTERED,
        )
    return pdf
