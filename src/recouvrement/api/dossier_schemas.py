"""What the API's « Dossiers » endpoints read and answer (issue 14 §3): the list's filters
(those of « Dossiers de recouvrement »), a dossier's row, its page, and the bodies that open,
change or close one."""

from datetime import date

from ninja import Field, Schema
from pydantic import ConfigDict

from recouvrement.api.fields import Id, Money
from recouvrement.db.models import Collaborator, Dossier, Receivable
from recouvrement.db.queries import DossierPage, LatePaidSection
from recouvrement.domain.statuses import DossierStatus

# --- Read ------------------------------------------------------------------------------------


class DossierFilters(Schema):
    """The filters of « Dossiers de recouvrement » (web/dossiers/forms.py), same names."""

    status: DossierStatus | None = Field(None, description="Statut : open, litigation, closed.")
    q: str = Field(
        "",
        max_length=100,
        description="Recherche : n° de dossier, code, nom, e-mail ou téléphone du client, "
        "n° de facture, contact.",
    )
    all: bool = Field(
        False,
        description="Tous les dossiers : un chargé de recouvrement voit par défaut les siens.",
    )
    priorite: int | None = Field(None, ge=1, le=5, description="Priorité, de 1 à 5.")
    charge: Id | None = Field(None, description="Id du chargé de recouvrement.")

    def form_data(self) -> dict:
        """The same values as the screen's GET query string."""
        data = self.model_dump(exclude_none=True)
        if self.status is not None:
            data["status"] = self.status.value
        return data


class Ref(Schema):
    id: int
    name: str


class CustomerRef(Schema):
    id: int
    code: str
    name: str


class DossierOut(Schema):
    """A row of the list: the dossier and its figures, as the screen shows them."""

    id: int
    number: str
    customer: CustomerRef
    collector: Ref | None
    priority: int
    status: DossierStatus
    status_label: str
    start_date: date
    end_date: date | None
    invoices: Money = Field(description="Factures : montant des échéances du dossier.")
    payments: Money = Field(description="Règlements reçus sur ces échéances.")
    charges: Money = Field(description="Frais et pénalités des interventions réalisées.")
    balance: Money = Field(description="Solde : reste dû plus frais et pénalités.")


class DossierReceivableOut(Schema):
    id: int
    reference: str
    piece_date: date
    due_date: date
    amount: Money
    open_amount: Money


class LatePaidOut(Schema):
    """« Pénalités sur factures réglées en retard » (L441-10, 40 € par facture)."""

    penalties: Money
    indemnity: Money
    total: Money
    claimed: bool = Field(description="Réclamées par les courriers de la société.")
    reason: str = Field(description="Pourquoi elles n'ont pas pu être calculées ; vide sinon.")


class DossierDetailOut(DossierOut):
    """The dossier page: its fields, figures, échéances, and whether the caller may change it."""

    contact: Ref | None
    scenario: Ref | None
    dispute_reason: Ref | None
    resolution: Ref | None
    summary: str
    comment: str
    result: str
    open_amount: Money = Field(description="Reste dû des échéances, hors frais.")
    may_change: bool = Field(description="L'appelant peut modifier ce dossier (ouvert).")
    receivables: list[DossierReceivableOut]
    late_paid: LatePaidOut | None
    suggested_priority: int | None = Field(
        None, description="Priorité suggérée (1 à 5) au dernier calcul (B11) ; null : jamais."
    )
    suggested_score: int | None = Field(None, description="Score de 0 à 100 (le plus urgent).")
    suggested_reasons: str = Field("", description="Pourquoi, en français.")
    suggested_on: date | None = Field(None, description="Date du calcul.")


def _ref(obj, name: str | None = None) -> dict | None:
    if obj is None:
        return None
    return {"id": obj.pk, "name": name if name is not None else str(obj)}


def _collector(collector: Collaborator | None) -> dict | None:
    return _ref(collector)


def dossier_row(dossier: Dossier) -> dict:
    """A row of `db.queries.dossier_rows` (its figures annotated) as `DossierOut`."""
    return {
        **_fields(dossier),
        "invoices": dossier.invoices,
        "payments": dossier.payments,
        "charges": dossier.charges,
        "balance": dossier.balance,
    }


def _fields(dossier: Dossier) -> dict:
    customer = dossier.customer
    return {
        "id": dossier.pk,
        "number": dossier.number,
        "customer": {"id": customer.pk, "code": customer.code, "name": customer.name},
        "collector": _collector(dossier.collector),
        "priority": dossier.priority,
        "status": dossier.status,
        "status_label": dossier.status_enum.label,
        "start_date": dossier.start_date,
        "end_date": dossier.end_date,
    }


def _receivable(receivable: Receivable) -> dict:
    return {
        "id": receivable.pk,
        "reference": receivable.reference,
        "piece_date": receivable.piece_date,
        "due_date": receivable.due_date,
        "amount": receivable.amount,
        "open_amount": receivable.open_amount,
    }


def _late_paid(section: LatePaidSection | None) -> dict | None:
    if section is None:
        return None
    return {
        "penalties": section.penalties,
        "indemnity": section.indemnity,
        "total": section.total,
        "claimed": section.claimed,
        "reason": section.reason,
    }


def dossier_detail(page: DossierPage, *, may_change: bool) -> dict:
    """`db.queries.dossier_page` (what the dossier page shows) as `DossierDetailOut`."""
    dossier, figures = page.dossier, page.figures
    reason = dossier.dispute_reason
    resolution = dossier.resolution
    return {
        **_fields(dossier),
        "invoices": figures.invoices,
        "payments": figures.payments,
        "charges": figures.charges,
        "balance": figures.balance,
        "open_amount": figures.open_amount,
        "contact": _ref(dossier.contact),
        "scenario": _ref(dossier.scenario),
        "dispute_reason": _ref(reason, reason.label if reason else None),
        "resolution": _ref(resolution, resolution.label if resolution else None),
        "summary": dossier.summary,
        "comment": dossier.comment,
        "result": dossier.result,
        "may_change": may_change,
        "receivables": [_receivable(r) for r in page.receivables],
        "late_paid": _late_paid(page.late_paid),
        "suggested_priority": dossier.suggested_priority,
        "suggested_score": dossier.suggested_score,
        "suggested_reasons": dossier.suggested_reasons,
        "suggested_on": dossier.suggested_on,
    }


# --- Write -----------------------------------------------------------------------------------


class DossierIn(Schema):
    """« Nouveau dossier »: the client, its échéances to recover (one at least), the fields."""

    model_config = ConfigDict(extra="forbid")

    customer_id: Id
    receivable_ids: list[Id] = Field(
        min_length=1, max_length=1000, description="Échéances dues du client, libres."
    )
    scenario_id: Id | None = None
    collector_id: Id | None = Field(
        None,
        description="Chargé de recouvrement ; par défaut celui du client. Un chargé ouvre ses "
        "propres dossiers.",
    )
    contact_id: Id | None = None
    priority: int = Field(3, description="De 1 (la plus haute) à 5.")
    dispute_reason_id: Id | None = None
    summary: str = ""
    comment: str = ""


class DossierPatch(Schema):
    """« Modifier le dossier », or « Clore le dossier » (`status` « closed » with
    `resolution_id` and `result`, nothing else). A field left out is unchanged; `null`
    clears the chargé, the contact, the scenario or the motif de litige."""

    model_config = ConfigDict(extra="forbid")

    priority: int | None = None
    status: DossierStatus | None = None
    collector_id: Id | None = Field(None, description="Seul un responsable le change.")
    contact_id: Id | None = None
    scenario_id: Id | None = None
    dispute_reason_id: Id | None = None
    summary: str | None = None
    comment: str | None = None
    add_receivable_ids: list[Id] = Field([], max_length=1000)
    remove_receivable_ids: list[Id] = Field([], max_length=1000)
    resolution_id: Id | None = Field(None, description="À la clôture : la résolution.")
    result: str | None = Field(None, description="À la clôture : le résultat.")
