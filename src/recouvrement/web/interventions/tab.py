"""What the « Interventions » tab shows a user: per row, the statuses they may choose (S4)."""

from dataclasses import dataclass

from django.http import HttpRequest

from recouvrement.db.models import Contact, Dossier, Intervention, PrintedLetter
from recouvrement.domain.statuses import (
    InterventionStatus,
    Role,
    allowed_intervention_statuses,
)
from recouvrement.services.step_emails import attach_step_emails
from recouvrement.web.forms import parse_id
from recouvrement.web.workspace import Workspace


@dataclass(frozen=True)
class Row:
    intervention: Intervention
    statuses: list[InterventionStatus]
    printed: bool
    selected: bool

    @property
    def may_edit(self) -> bool:
        return self.intervention.status == InterventionStatus.TODO

    @property
    def may_select(self) -> bool:
        """Every row can be selected: a done one still takes its document (S10) or is deleted."""
        return True


@dataclass(frozen=True)
class Tab:
    dossier: Dossier
    rows: list[Row]
    editable: bool
    contacts: list[Contact]


def _selected(request: HttpRequest) -> int | None:
    return parse_id(request.GET.get("modifier"))


def interventions_tab(
    request: HttpRequest, workspace: Workspace, dossier: Dossier, interventions
) -> Tab:
    """The rows of the tab, read with two queries whatever the number of interventions."""
    editable = workspace.may_change_dossier(dossier)
    role = workspace.role if editable else Role.READ_ONLY
    printed = set(
        PrintedLetter.objects.filter(intervention__dossier=dossier).values_list(
            "intervention_id", flat=True
        )
    )
    selected = _selected(request) if editable else None
    attach_step_emails(interventions)  # each « E-mail » step's state (§3): one query more
    rows = [
        Row(
            intervention,
            allowed_intervention_statuses(intervention.status_enum, role),
            intervention.pk in printed,
            intervention.pk == selected,
        )
        for intervention in interventions
    ]
    contacts = list(Contact.objects.filter(customer_id=dossier.customer_id).order_by("last_name"))
    return Tab(dossier, rows, editable, contacts if selected else [])
