"""What a batch action of « Gestion des actions » did (`services.worklist_actions`): a count
per outcome and the rows refused with their French reason, and the summary line the page
shows (« 12 courriers imprimés, 3 e-mails remis à l'envoi, 2 actions refusées »), with the
échéances in litige the letters left out (B10)."""

from dataclasses import dataclass, field
from decimal import Decimal

from recouvrement.db.models import Intervention
from recouvrement.domain.disputes import DISPUTED_LABEL
from recouvrement.domain.money import format_amount
from recouvrement.services.dispute_reads import claims
from recouvrement.services.letters import PrintResult


@dataclass(frozen=True)
class Refused:
    """A row (or a dossier) left as it was, and why: the domain's or a service's message."""

    dossier: str
    label: str
    reason: str

    @property
    def line(self) -> str:
        name = f"{self.dossier} « {self.label} »" if self.label else self.dossier
        return f"{name} : {self.reason}" if name else self.reason


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


@dataclass(frozen=True)
class LeftInDispute:
    """The échéances in an open litige of the dossiers whose letters printed: left out of
    their tables and totals (`dispute_reads.claims`, the one rule)."""

    count: int = 0
    amount: Decimal = Decimal("0.00")

    @property
    def line(self) -> str:
        one = "échéance laissée hors des courriers"
        many = "échéances laissées hors des courriers"
        return (
            f"« {DISPUTED_LABEL} » : {_count(self.count, one, many)}, {format_amount(self.amount)}"
        )


@dataclass
class SelectionSummary:
    """What a batch action did: one count per outcome, the rows refused with their reason."""

    printed: int = 0
    emailed: int = 0
    done: int = 0
    skipped: int = 0
    reassigned: int = 0
    already_assigned: int = 0
    collector: str = ""  # « Réaffecter à… »: the chargé's name; its refusals are dossiers
    refused: list[Refused] = field(default_factory=list)
    print_result: PrintResult | None = None  # the letters' PDF, when some printed

    @property
    def treated(self) -> int:
        """Rows (or dossiers) the action went through for, or found already done."""
        done = self.printed + self.emailed + self.done + self.skipped
        return done + self.reassigned + self.already_assigned

    @property
    def in_dispute(self) -> LeftInDispute:
        """What the printed letters left out because it is in litige (read when asked: the
        batch line is built once, after the print)."""
        if self.print_result is None or not self.print_result.interventions:
            return LeftInDispute()
        found = claims({row.dossier_id for row in self.print_result.interventions})
        return LeftInDispute(
            sum(len(claim.disputed) for claim in found.values()),
            sum((claim.disputed_total for claim in found.values()), Decimal("0.00")),
        )

    @property
    def pdf(self) -> bytes:
        return self.print_result.pdf if self.print_result is not None else b""

    def refuse(self, row: Intervention, reason: str) -> None:
        self.refused.append(Refused(row.dossier.number, row.label, reason))

    @property
    def line(self) -> str:
        """« 12 courriers imprimés, 3 e-mails remis à l'envoi, 2 actions réalisées, 2 actions
        refusées » (the page adds « : voir » and the list of the refused rows); « Réaffecter
        à… » counts dossiers."""
        who = self.collector
        counts = [
            (self.printed, "courrier imprimé", "courriers imprimés"),
            (self.emailed, "e-mail remis à l'envoi", "e-mails remis à l'envoi"),
            (self.done, "action réalisée", "actions réalisées"),
            (self.skipped, "action ignorée", "actions ignorées"),
            (self.reassigned, f"dossier réaffecté à {who}", f"dossiers réaffectés à {who}"),
            (
                self.already_assigned,
                f"dossier déjà suivi par {who}",
                f"dossiers déjà suivis par {who}",
            ),
        ]
        parts = [_count(n, one, many) for n, one, many in counts if n]
        if self.printed and (disputed := self.in_dispute).count:
            parts[0] = f"{parts[0]} ({disputed.line})"
        # The noun each time: « 12 courriers imprimés, 2 actions refusées », never « 2 refusés »
        # left to agree with a noun of another gender.
        refused = (
            ("dossier refusé", "dossiers refusés")
            if who
            else ("action refusée", "actions refusées")
        )
        if self.refused:
            parts.append(_count(len(self.refused), *refused))
        return ", ".join(parts) if parts else "Aucune action traitée"
