"""The worklist's copy of each dossier's priority and chargé on its interventions « A faire ».

Every service that creates an intervention « A faire », sets one back to « A faire », or
changes a dossier's priority or chargé goes through here, so the copy never drifts.
"""

from typing import Any

from recouvrement.db.models import Collaborator, Dossier, Intervention
from recouvrement.domain.statuses import InterventionStatus
from recouvrement.domain.worklist import collector_sort_key


def collector_key(collector: Collaborator | None) -> str:
    return collector_sort_key(collector.last_name, collector.first_name) if collector else ""


def queue_fields(dossier: Dossier) -> dict[str, Any]:
    return {
        "company_id": dossier.company_id,
        "queue_priority": dossier.priority,
        "queue_collector": collector_key(dossier.collector),
        "queue_collector_id": dossier.collector_id,
    }


def refresh_collector(collector: Collaborator) -> int:
    """After a chargé's name changed: their interventions « A faire » carry the new sort key
    (the worklist reads a chargé's rows by it)."""
    return Intervention.objects.filter(
        queue_collector_id=collector.pk, status=InterventionStatus.TODO
    ).update(queue_collector=collector_key(collector))


def refresh_queue(dossier: Dossier) -> int:
    """After a change of priority or chargé: the dossier's interventions « A faire » follow."""
    return Intervention.objects.filter(dossier=dossier, status=InterventionStatus.TODO).update(
        **queue_fields(dossier)
    )
