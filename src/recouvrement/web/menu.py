"""The menu bar (seed: « Traitement › Recouvrement », « Structure »): only pages that exist."""

from django.urls import NoReverseMatch, reverse

from recouvrement.domain.permissions import may_manage
from recouvrement.domain.statuses import Role

# Pages only a « Responsable recouvrement » may open: not offered to the others.
MANAGER_ONLY = frozenset(
    {"import_upload", "user_list", "journal_list", "outbox_list", "simulation", "priority_weights"}
)

MENU = (
    (
        "Traitement › Recouvrement",
        (
            ("dashboard", "Tableau de bord", ("dashboard",)),
            # Its count of alerts and promises due: `web.today` (`today_items.count`).
            ("today", "Aujourd'hui", ("today",)),
            ("dossier_list", "Dossiers de recouvrement", ("dossier_",)),
            ("receivable_list", "Échéances", ("receivable_",)),
            ("worklist", "Gestion des actions", ("worklist",)),
            ("import_upload", "Importer", ("import_",)),
            ("outbox_list", "Envois", ("outbox_",)),
            ("simulation", "Simulation", ("simulation",)),
        ),
    ),
    (
        "Structure",
        (
            ("company_settings", "Société", ("company_",)),
            ("customer_list", "Clients", ("customer_",)),
            ("collaborator_list", "Collaborateurs", ("collaborator_",)),
            ("scenario_list", "Scénarios de recouvrement", ("scenario_",)),
            ("priority_weights", "Priorité suggérée", ("priority_",)),
            ("letter_template_list", "Modèles de courrier", ("letter_template_",)),
            ("list_values", "Listes", ("list_",)),
            ("rate_list", "Taux", ("rate_",)),
            ("user_list", "Utilisateurs", ("user_",)),
            ("journal_list", "Journal", ("journal_",)),
        ),
    ),
)


def menu(current_url_name: str | None, role: Role | None = None) -> list[dict]:
    """The groups and their entries whose page is served (and the role may open), the current
    one marked active."""
    groups = []
    for title, entries in MENU:
        items = []
        for url_name, label, prefixes in entries:
            if url_name in MANAGER_ONLY and not (role and may_manage(role)):
                continue
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue  # a page of a later version: no dead link in the menu
            active = bool(current_url_name) and current_url_name.startswith(prefixes)
            items.append({"name": url_name, "url": url, "label": label, "active": active})
        if items:
            groups.append({"title": title, "items": items})
    return groups
