"""Use cases: one function each, one transaction each, every change journaled.

They raise `django.core.exceptions.ValidationError` (French message naming the rule) when a
business rule forbids the change, and `PermissionDenied` when the user may not make it.
"""

from recouvrement.services.api_push import push_payments, push_receivables
from recouvrement.services.api_tokens import create_token, revoke_token
from recouvrement.services.batch import PrepareSummary, prepare_due
from recouvrement.services.companies import set_up_company
from recouvrement.services.company_settings import CompanySettings, save_company_settings
from recouvrement.services.customer_import import import_customers_file
from recouvrement.services.daily_run import run_daily
from recouvrement.services.disputes import open_dispute, resolve_dispute
from recouvrement.services.dossier_changes import DossierChanges, update_dossier
from recouvrement.services.dossiers import assign_dossier, close_dossier, open_dossier
from recouvrement.services.dry_run import DryRun, dry_run_prepare, prepare_checked
from recouvrement.services.evidence import build_evidence_pack
from recouvrement.services.import_files import (
    import_stored_file,
    save_csv_mapping,
    store_accounting_file,
)
from recouvrement.services.import_jobs import start_import
from recouvrement.services.intervention_undo import reopen_intervention
from recouvrement.services.interventions import (
    attach_document,
    create_intervention,
    delete_intervention,
    prepare_next_intervention,
    set_intervention_status,
    update_intervention,
)
from recouvrement.services.letters import (
    PrintResult,
    print_due_letters,
    print_letters,
    save_letter_template,
)
from recouvrement.services.opening import (
    OpeningSummary,
    open_overdue_dossiers,
    overdue_opening_preview,
)
from recouvrement.services.outbox_actions import cancel_email, queue_email, send_email_now
from recouvrement.services.penalties import set_contractual_rate
from recouvrement.services.priority import (
    adopt_suggested_priority,
    dossier_suggestion,
    refresh_priorities,
    save_priority_weights,
)
from recouvrement.services.rates import add_rate
from recouvrement.services.reports import (
    aged_balance_report,
    dashboard,
    dossier_flow_report,
    dso_report,
    promises_report,
    receivable_list,
    recovered_report,
    report_scope,
    workload_report,
)
from recouvrement.services.scenarios import StepInput, create_scenario
from recouvrement.services.worklist_actions import (
    SelectionSummary,
    execute_selection,
    mark_selection,
    reassign_selection,
)

__all__ = [
    "CompanySettings",
    "run_daily",
    "DossierChanges",
    "OpeningSummary",
    "PrepareSummary",
    "PrintResult",
    "SelectionSummary",
    "StepInput",
    "add_rate",
    "open_dispute",
    "resolve_dispute",
    "create_token",
    "push_payments",
    "push_receivables",
    "revoke_token",
    "aged_balance_report",
    "dashboard",
    "dossier_flow_report",
    "dso_report",
    "promises_report",
    "receivable_list",
    "recovered_report",
    "report_scope",
    "workload_report",
    "assign_dossier",
    "attach_document",
    "cancel_email",
    "close_dossier",
    "create_intervention",
    "create_scenario",
    "delete_intervention",
    "execute_selection",
    "import_customers_file",
    "import_stored_file",
    "start_import",
    "mark_selection",
    "open_dossier",
    "open_overdue_dossiers",
    "overdue_opening_preview",
    "prepare_due",
    "prepare_checked",
    "dry_run_prepare",
    "build_evidence_pack",
    "adopt_suggested_priority",
    "dossier_suggestion",
    "refresh_priorities",
    "save_priority_weights",
    "DryRun",
    "prepare_next_intervention",
    "print_due_letters",
    "print_letters",
    "queue_email",
    "reassign_selection",
    "reopen_intervention",
    "save_company_settings",
    "save_csv_mapping",
    "save_letter_template",
    "send_email_now",
    "set_contractual_rate",
    "set_intervention_status",
    "set_up_company",
    "store_accounting_file",
    "update_dossier",
    "update_intervention",
]
