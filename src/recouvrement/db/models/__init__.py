"""The data model of M1–M9, one module per topic."""

from recouvrement.db.models.api_tokens import ApiToken
from recouvrement.db.models.company import Collaborator, Company, CompanyLogo, Membership
from recouvrement.db.models.customers import Contact, Customer
from recouvrement.db.models.disputes import Dispute, DisputeResult, DisputeStatus
from recouvrement.db.models.dossiers import Dossier, DossierReceivable, DossierSequence
from recouvrement.db.models.evidence import EvidencePack
from recouvrement.db.models.first_run import FirstRunToken
from recouvrement.db.models.imports import AccountingImport, SavedCsvMapping
from recouvrement.db.models.interventions import AttachedDocument, Intervention
from recouvrement.db.models.jobs import ScheduledRun
from recouvrement.db.models.journal import JournalEntry, JournalHead
from recouvrement.db.models.letters import LetterTemplate, PrintBatch, PrintedLetter
from recouvrement.db.models.lists import DisputeReason, Resolution
from recouvrement.db.models.outbox import OutgoingEmail
from recouvrement.db.models.rates import EcbRate, LegalRate
from recouvrement.db.models.receivables import Allocation, Origin, Payment, Receivable
from recouvrement.db.models.scenarios import Scenario, Step
from recouvrement.db.models.storage import StoredFile

__all__ = [
    "ApiToken",
    "AccountingImport",
    "SavedCsvMapping",
    "Origin",
    "Allocation",
    "AttachedDocument",
    "Collaborator",
    "Company",
    "CompanyLogo",
    "Contact",
    "Customer",
    "Dispute",
    "DisputeReason",
    "DisputeResult",
    "DisputeStatus",
    "Dossier",
    "DossierReceivable",
    "DossierSequence",
    "EcbRate",
    "EvidencePack",
    "FirstRunToken",
    "Intervention",
    "JournalEntry",
    "JournalHead",
    "LegalRate",
    "LetterTemplate",
    "Membership",
    "OutgoingEmail",
    "Payment",
    "PrintBatch",
    "PrintedLetter",
    "Receivable",
    "Resolution",
    "Scenario",
    "ScheduledRun",
    "Step",
    "StoredFile",
]
