"""« Aujourd'hui » (issue 13 §6): whose alerts and promises a user sees first.

The alerts and promises « A faire » due today or overdue, on the user's own dossiers: a user
linked to a chargé de recouvrement sees the dossiers that chargé follows (a manager too, when
they are one); a manager linked to no chargé sees the whole company's; anyone else (a
collector or a « Consultation » linked to no chargé) has none of their own. Pure: no Django.
"""

from dataclasses import dataclass

from recouvrement.domain.permissions import may_manage
from recouvrement.domain.statuses import InterventionKind, Role

TODAY_KINDS = (InterventionKind.ALERT, InterventionKind.PROMISE)


@dataclass(frozen=True)
class TodayScope:
    """One chargé's dossiers (`collector_id`), the whole company's (`everyone`), or none."""

    collector_id: int | None = None
    everyone: bool = False

    @property
    def nothing(self) -> bool:
        return self.collector_id is None and not self.everyone

    @property
    def description(self) -> str:
        """Which dossiers, in the words ending « … sur vos dossiers »; empty for none."""
        if self.collector_id is not None:
            return "vos dossiers"
        if self.everyone:
            return "tous les dossiers de la société"
        return ""


def today_scope(role: Role, chargé_id: int | None) -> TodayScope:
    """`chargé_id`: the collaborator linked to the user when that one is a chargé."""
    if chargé_id is not None:
        return TodayScope(collector_id=chargé_id)
    if may_manage(role):
        return TodayScope(everyone=True)
    return TodayScope()
