"""The « Scénarios de recouvrement » a new company starts with (PRODUCT §9 O1).

They send the letters of LETTERS.md in their order — relance courtoise, deuxième relance,
mise en demeure — with a phone call between them, as a Sage user configures them; the
manager edits them in « Structure › Scénarios ». The demo company runs the same scenarios.

No fee is charged by default: recovery costs incurred without an enforceable title stay the
creditor's (L111-8 CPCE); a professional debtor owes the 40 € indemnity, computed apart
(legal-formats.md §1.3). A company that has the right to charge one sets it on the step.
"""

from dataclasses import dataclass
from decimal import Decimal

from recouvrement.domain.statuses import ActionType, DossierStatus


@dataclass(frozen=True)
class DefaultStep:
    delay_days: int
    action_type: ActionType
    label: str
    compute_penalties: bool = False
    fee_amount: Decimal = Decimal("0")
    sets_dossier_status: DossierStatus | None = None
    # A LETTERS.md template code, when not the action type's own (statuses.ACTIONS).
    letter: str | None = None

    @property
    def letter_code(self) -> str | None:
        """The code of the step's « Modèle de courrier » (None: no letter)."""
        return self.letter or self.action_type.spec.default_letter


@dataclass(frozen=True)
class DefaultScenario:
    name: str
    steps: tuple[DefaultStep, ...]
    is_default: bool = False


E, P, L, M, T = (
    ActionType.EMAIL,
    ActionType.PHONE,
    ActionType.LETTER,
    ActionType.FORMAL_NOTICE,
    ActionType.TASK,
)

STANDARD = "Relance standard"
KEY_ACCOUNTS = "Grands comptes"
CONSUMERS = "Particuliers"

DEFAULT_SCENARIOS: tuple[DefaultScenario, ...] = (
    DefaultScenario(
        STANDARD,
        (
            DefaultStep(0, E, "E-mail de relance courtoise"),
            DefaultStep(10, P, "Relance téléphonique"),
            DefaultStep(15, L, "Courrier de relance", compute_penalties=True),
            DefaultStep(15, M, "Mise en demeure", compute_penalties=True),
        ),
        is_default=True,
    ),
    DefaultScenario(
        KEY_ACCOUNTS,
        (
            DefaultStep(0, P, "Appel de courtoisie au service comptable"),
            DefaultStep(15, E, "E-mail de rappel avec relevé de compte"),
            DefaultStep(15, P, "Relance téléphonique de la direction financière"),
            DefaultStep(20, M, "Mise en demeure", compute_penalties=True),
            DefaultStep(
                15,
                T,
                "Transmission au service contentieux",
                compute_penalties=True,
                sets_dossier_status=DossierStatus.LITIGATION,
            ),
        ),
    ),
    DefaultScenario(
        CONSUMERS,
        (
            # The first letter of a scenario is the courteous one, even when it goes by post.
            DefaultStep(0, L, "Courrier de rappel", letter="relance_courtoise"),
            DefaultStep(10, P, "Relance téléphonique"),
            # B2C: no recovery fee; legal interest runs from the formal notice.
            DefaultStep(15, M, "Mise en demeure", compute_penalties=True),
        ),
    ),
)
