"""M9 / issue 12 §3: every change of the company's configuration, users and imports writes
one company-level journal row naming the object, with only the changed fields before and
after — and never a password, a token or a file's contents. « Structure › Journal » lists
those rows for a responsable recouvrement."""

import hashlib
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recouvrement.db.models import Collaborator, Customer, JournalEntry, LetterTemplate
from recouvrement.domain.rates import RateKind
from recouvrement.domain.statuses import ActionType, Role
from recouvrement.imports import CsvMapping
from recouvrement.services.company_settings import CompanySettings, save_company_settings
from recouvrement.services.configuration import (
    StepRow,
    add_list_value,
    create_scenario_with_steps,
    delete_list_value,
    rename_list_value,
    save_collaborator,
    update_scenario_steps,
)
from recouvrement.services.customer_import import import_customers_file
from recouvrement.services.customers import ContactRow, save_customer
from recouvrement.services.import_files import save_csv_mapping, store_accounting_file
from recouvrement.services.journal import company_entry
from recouvrement.services.letters import letter_templates, save_letter_template
from recouvrement.services.passwords import (
    change_own_password,
    issue_password_reset,
    reset_password,
)
from recouvrement.services.rates import add_rate
from recouvrement.services.users import (
    change_role,
    create_user,
    deactivate_user,
    link_collaborator,
    reactivate_user,
    unlink_collaborator,
)
from tests.builders import a_collector, a_company, a_scenario, a_user
from tests.web.test_structure_scenarios import existing_rows, step_rows

FEC = (
    b"JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    b"CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    b"ValidDate\tMontantdevise\tIdevise\n"
    b"VE\tVentes\t1\t20260105\t41100000\tClients\tC001\tBoulangerie Exemple\tF2026-001\t20260105"
    b"\tFacture F2026-001\t1437,12\t0,00\t\t\t20260106\t\t\n"
    b"VE\tVentes\t1\t20260105\t70600000\tPrestations\t\t\tF2026-001\t20260105"
    b"\tFacture F2026-001\t0,00\t1437,12\t\t\t20260106\t\t\n"
)
FIRST_PASSWORD = "Premier-Mot-2026-Lyon"
RESET_PASSWORD = "Relances-Lyon-2026"
OWN_PASSWORD = "Encore-Un-Autre-9876"
PUBLISHED_SEMESTER = date(2026, 3, 2)  # its legal rate is seeded: the contractual floor is known


@pytest.fixture(autouse=True)
def stored_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"


def rows(action: str, company=None) -> list[JournalEntry]:
    entries = JournalEntry.objects.filter(action=action, dossier=None)
    if company is not None:
        entries = entries.filter(company=company)
    return list(entries.order_by("pk"))


def row_text(entry: JournalEntry) -> str:
    return " ".join((entry.message, json.dumps(entry.before or {}), json.dumps(entry.after or {})))


# --- Scénarios et étapes ----------------------------------------------------------------------


def test_a_new_scenario_is_journaled_with_its_steps_and_the_default_it_replaces(team):
    template = letter_templates(team.company)["mise_en_demeure"]
    a_scenario(team.company, name="Standard", is_default=True)

    scenario = create_scenario_with_steps(
        team.company,
        "Professionnels",
        [
            StepRow("Relance courtoise", 0, ActionType.EMAIL),
            StepRow(
                "Mise en demeure",
                15,
                ActionType.FORMAL_NOTICE,
                letter_template_id=template.pk,
                fee_amount=Decimal("40.00"),
            ),
        ],
        user=team.manager,
        is_default=True,
    )

    assert scenario.steps.get(order=2).letter_template == template
    [row] = rows("scenario_created")
    assert (row.company, row.user, row.before) == (team.company, team.manager, None)
    assert row.message == (
        "Scénario « Professionnels » créé : 2 étapes ; scénario par défaut à la place de "
        "« Standard »."
    )
    assert row.after["scenario_id"] == scenario.pk
    assert list(row.after["steps"].values())[1] == {
        "order": 2,
        "label": "Mise en demeure",
        "delay_days": 15,
        "action_type": "formal_notice",
        "compute_penalties": False,
        "fee_amount": "40.00",
        "sets_dossier_status": "",
        "letter_template": template.name,
    }
    assert row.after["replaced_default"] == ["Standard"]


def test_a_scenario_change_names_each_step_added_removed_or_changed(team):
    scenario = create_scenario_with_steps(
        team.company,
        "Relance standard",
        [
            StepRow("E-mail", 0, ActionType.EMAIL),
            StepRow("Appel", 10, ActionType.PHONE),
            StepRow("Courrier", 15, ActionType.LETTER),
        ],
        user=team.manager,
    )
    email, call, letter = scenario.steps.all()

    update_scenario_steps(
        scenario,
        [
            StepRow("E-mail", 0, ActionType.EMAIL, step_id=email.pk),
            StepRow("Appel", 15, ActionType.PHONE, step_id=call.pk),
            StepRow("Mise en demeure", 8, ActionType.FORMAL_NOTICE),
        ],
        user=team.manager,
        name="Relance B2B",
    )

    [row] = rows("scenario_changed")
    new = scenario.steps.get(order=3)
    assert row.user == team.manager
    assert row.message == (
        "Scénario « Relance B2B » modifié : intitulé « Relance standard » → « Relance B2B » ; "
        "étape 2 « Appel » : délai 10 j → 15 j ; étape 3 « Mise en demeure » ajoutée ; "
        "étape « Courrier » supprimée."
    )
    assert row.before["name"] == "Relance standard"
    assert row.before["steps"][str(call.pk)] == {"delay_days": 10}
    assert row.after["steps"][str(call.pk)] == {"delay_days": 15}
    assert row.before["steps"][str(new.pk)] is None
    assert row.after["steps"][str(new.pk)]["label"] == "Mise en demeure"
    assert row.before["steps"][str(letter.pk)]["label"] == "Courrier"
    assert row.after["steps"][str(letter.pk)] is None
    assert str(email.pk) not in row.after["steps"]  # unchanged: not in the row


def test_saving_a_scenario_unchanged_writes_no_row(team):
    scenario = create_scenario_with_steps(
        team.company, "Simple", [StepRow("Appel", 10, ActionType.PHONE)], user=team.manager
    )
    [step] = scenario.steps.all()

    update_scenario_steps(
        scenario,
        [StepRow("Appel", 10, ActionType.PHONE, step_id=step.pk)],
        user=team.manager,
        name="Simple",
        is_default=False,
    )

    assert rows("scenario_changed") == []


def test_the_step_editor_page_journals_the_change(client, team):
    scenario = a_scenario(team.company, name="Standard")
    client.force_login(team.manager)
    data = step_rows(*existing_rows(scenario, {2: {"delay_days": "12"}}), initial=4)

    response = client.post(
        reverse("scenario_detail", args=[scenario.pk]), {**data, "name": "Standard"}
    )

    assert response.status_code == 302
    [row] = rows("scenario_changed")
    assert (
        row.message == "Scénario « Standard » modifié : étape 2 « Téléphone » : délai 10 j → 12 j."
    )
    assert row.user == team.manager


# --- Modèles de courrier ----------------------------------------------------------------------


def test_a_letter_template_change_keeps_the_old_and_new_subject(team):
    template = letter_templates(team.company)["mise_en_demeure"]
    edited = LetterTemplate.objects.get(pk=template.pk)
    edited.subject = "Mise en demeure — dernier avis"

    save_letter_template(edited, user=team.manager)

    [row] = rows("letter_template_updated")
    assert row.message == f"Modèle de courrier « {template.name} » modifié : objet."
    assert row.before == {"subject": template.subject}
    assert row.after == {"template_id": template.pk, "subject": "Mise en demeure — dernier avis"}
    save_letter_template(LetterTemplate.objects.get(pk=template.pk), user=team.manager)
    assert len(rows("letter_template_updated")) == 1  # saved unchanged: no row


def test_the_template_page_journals_the_new_text(client, team):
    template = letter_templates(team.company)["deuxieme_relance"]
    body = template.body + "\nNos salutations les meilleures."
    client.force_login(team.manager)

    response = client.post(
        reverse("letter_template_edit", args=[template.pk]),
        {"subject": template.subject, "body": body},
    )

    assert response.status_code == 200
    [row] = rows("letter_template_updated")
    assert row.message == f"Modèle de courrier « {template.name} » modifié : texte."
    assert row.before == {"body": template.body}
    assert row.after["body"].replace("\r\n", "\n") == body


# --- Collaborateurs et liens aux utilisateurs -------------------------------------------------


def test_a_collaborator_is_journaled_when_created_and_when_its_user_link_changes(team):
    lea = a_user(team.company, Role.COLLECTOR, "lea")
    collaborator = save_collaborator(
        Collaborator(
            company=team.company, last_name="Durand", first_name="Léa", is_collector=True, user=lea
        ),
        user=team.manager,
    )
    edited = Collaborator.objects.get(pk=collaborator.pk)
    edited.email, edited.user = "lea@example.fr", None

    save_collaborator(edited, user=team.manager)
    save_collaborator(Collaborator.objects.get(pk=collaborator.pk), user=team.manager)

    [created] = rows("collaborator_created")
    assert created.message == (
        "Collaborateur « Léa Durand » créé : chargé de recouvrement ; lié à l'utilisateur « lea »."
    )
    assert created.after["username"] == "lea" and created.after["user_id"] == lea.pk
    [changed] = rows("collaborator_changed")  # the unchanged save wrote nothing
    assert changed.message == (
        "Collaborateur « Léa Durand » modifié : e-mail ; utilisateur lié « lea » → aucun."
    )
    assert changed.before == {"email": "", "user_id": lea.pk, "username": "lea"}
    assert changed.after == {
        "collaborator_id": collaborator.pk,
        "email": "lea@example.fr",
        "user_id": None,
        "username": None,
    }


def test_the_collaborator_page_journals_the_chargé_flag(client, team):
    client.force_login(team.manager)
    collaborator = team.collector

    response = client.post(
        reverse("collaborator_edit", args=[collaborator.pk]),
        {"last_name": collaborator.last_name, "first_name": collaborator.first_name,
         "user": team.collector_user.pk},
    )  # fmt: skip

    assert response.status_code == 302
    [row] = rows("collaborator_changed")
    assert row.message == f"Collaborateur « {collaborator} » modifié : chargé de recouvrement non."
    assert (row.before, row.after) == (
        {"is_collector": True},
        {"collaborator_id": collaborator.pk, "is_collector": False},
    )


# --- Utilisateurs, profils, mots de passe (déjà journalisés : vérifiés ici) -------------------


def test_each_user_change_writes_its_row_and_no_password_nor_token_is_ever_written(client, team):
    durand = a_collector(team.company, None, "Durand")
    lea = create_user(
        team.company,
        username="lea",
        password=FIRST_PASSWORD,
        role=Role.COLLECTOR,
        user=team.manager,
    )
    change_role(team.company, lea, Role.READ_ONLY, user=team.manager)
    link_collaborator(team.company, lea, durand.pk, user=team.manager)
    unlink_collaborator(team.company, lea, user=team.manager)
    deactivate_user(team.company, lea, user=team.manager)
    reactivate_user(team.company, lea, user=team.manager)
    link = issue_password_reset(team.company, lea, user=team.manager)
    uidb64, token = re.search(r"/mot-de-passe/([^/]+)/([^/]+)/", link.path).groups()
    reset_password(uidb64, token, RESET_PASSWORD)
    change_own_password(User.objects.get(pk=lea.pk), RESET_PASSWORD, OWN_PASSWORD)
    client.force_login(team.manager)  # and one through the page: the role back
    response = client.post(
        reverse("user_edit", args=[lea.pk]), {"role": Role.COLLECTOR.value, "collaborator": ""}
    )
    assert response.status_code == 302

    expected = {
        "user_created": "Utilisateur « lea » créé : Chargé de recouvrement.",
        "user_role_changed": "Profil de « lea » : Chargé de recouvrement → Consultation.",
        "user_collaborator_changed": f"Utilisateur « lea » lié au collaborateur {durand}.",
        "user_deactivated": "Utilisateur « lea » désactivé.",
        "user_reactivated": "Utilisateur « lea » réactivé.",
        "password_reset_issued": "Lien de réinitialisation du mot de passe de « lea » émis",
        "password_reset": "« lea » a choisi un nouveau mot de passe",
        "password_changed": "« lea » a changé son mot de passe.",
    }
    for action, start in expected.items():
        entries = rows(action, team.company)
        assert entries and entries[0].message.startswith(start), action
    role_rows = rows("user_role_changed")
    assert (role_rows[0].before, role_rows[0].after) == (
        {"role": "collector"},
        {"role": "read_only", "user_id": lea.pk},
    )
    assert role_rows[-1].message == "Profil de « lea » : Consultation → Chargé de recouvrement."
    assert role_rows[-1].before == {"role": "read_only"}
    # The scan: no password, hash or token in any row of the journal.
    secrets = [FIRST_PASSWORD, RESET_PASSWORD, OWN_PASSWORD, token]
    secrets += [u.password for u in User.objects.all()]
    for entry in JournalEntry.objects.all():
        text = row_text(entry)
        assert not any(secret in text for secret in secrets), entry.message
        assert "password" not in json.dumps(entry.before or {}) + json.dumps(entry.after or {})


# --- Clients et contacts, taux et pénalités ---------------------------------------------------


def test_a_customer_and_its_contacts_are_journaled_with_the_penalty_rate(team):
    today = PUBLISHED_SEMESTER
    customer = save_customer(
        Customer(company=team.company, code="C0042", name="Boulangerie Dupont", kind="b2b"),
        [ContactRow("Dupont", civility="Madame")],
        penalty_rate=None,
        today=today,
        user=team.manager,
    )
    dupont = customer.contacts.get()
    edited = Customer.objects.get(pk=customer.pk)
    edited.email = "compta@dupont.example.fr"

    save_customer(
        edited,
        [
            ContactRow("Dupont", contact_id=dupont.pk, delete=True),
            ContactRow("Petit", first_name="Luc"),
        ],
        penalty_rate=Decimal("15.000"),
        today=today,
        user=team.manager,
    )

    [created] = rows("customer_created")
    assert created.message == "Client « C0042 — Boulangerie Dupont » créé : 1 contact."
    assert created.after["contacts"][str(dupont.pk)]["last_name"] == "Dupont"
    [changed] = rows("customer_changed")
    petit = customer.contacts.get()
    assert changed.message == (
        "Client « C0042 — Boulangerie Dupont » modifié : e-mail ; taux de pénalités contractuel ; "
        "contact « Luc Petit » ajouté ; contact « Dupont » supprimé."
    )
    assert changed.before == {
        "email": "",
        "contractual_penalty_rate": None,
        "contacts": {
            str(petit.pk): None,
            str(dupont.pk): changed.before["contacts"][str(dupont.pk)],
        },
    }
    assert changed.before["contacts"][str(dupont.pk)]["civility"] == "Madame"
    assert changed.after["email"] == "compta@dupont.example.fr"
    assert changed.after["contractual_penalty_rate"] == "15.000"
    assert changed.after["contacts"][str(dupont.pk)] is None


def test_the_customer_page_journals_a_new_client(client, team):
    client.force_login(team.manager)

    response = client.post(
        reverse("customer_create"),
        {
            "code": "C0050", "name": "Atelier Témoin", "kind": "b2c", "payment_terms_days": "30",
            "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0",
        },
    )  # fmt: skip

    assert response.status_code == 302
    [row] = rows("customer_created")
    assert row.message == "Client « C0050 — Atelier Témoin » créé."
    assert row.after["kind"] == "b2c" and row.user == team.manager


def test_the_companys_penalty_rate_and_a_new_rate_are_journaled(team):
    other = a_company(name="Autre SAS", siren="")
    wanted = CompanySettings.of(team.company)
    save_company_settings(
        team.company,
        CompanySettings(**{**wanted.__dict__, "contractual_penalty_rate": Decimal("15")}),
        today=PUBLISHED_SEMESTER,
        user=team.manager,
    )
    add_rate(
        RateKind.ECB, date(2031, 3, 12), Decimal("2.150"), user=team.manager, company=team.company
    )

    [settings_row] = rows("company_settings_changed")
    assert settings_row.message == (
        "Paramètres de la société modifiés : taux de pénalités contractuel."
    )
    assert settings_row.before == {"contractual_penalty_rate": None}
    assert settings_row.after == {"contractual_penalty_rate": "15.000"}
    assert {row.company for row in rows("rate_added")} == {team.company, other}


# --- Listes -----------------------------------------------------------------------------------


def test_a_list_value_added_renamed_and_deleted_writes_three_rows(team):
    value = add_list_value(team.company, "dispute_reason", "Facture contestée", user=team.manager)
    rename_list_value(team.company, "dispute_reason", value.pk, "Prix contesté", user=team.manager)
    delete_list_value(team.company, "dispute_reason", value.pk, user=team.manager)

    [added] = rows("list_value_added")
    [renamed] = rows("list_value_renamed")
    [deleted] = rows("list_value_deleted")
    assert added.message == "Motif de litige « Facture contestée » ajouté."
    assert added.after == {"list": "dispute_reason", "id": value.pk, "label": "Facture contestée"}
    assert renamed.message == "Motif de litige « Facture contestée » renommé « Prix contesté »."
    assert (renamed.before, renamed.after["label"]) == (
        {"label": "Facture contestée"},
        "Prix contesté",
    )
    assert deleted.message == "Motif de litige « Prix contesté » supprimé."
    assert (deleted.before["label"], deleted.after) == ("Prix contesté", None)


def test_the_lists_page_journals_a_new_resolution(client, team):
    client.force_login(team.manager)

    response = client.post(
        reverse("list_values"), {"kind": "resolution", "action": "add", "label": "Avoir émis"}
    )

    assert response.status_code == 302
    [row] = rows("list_value_added")
    assert row.message == "Résolution « Avoir émis » ajoutée."
    assert row.user == team.manager


# --- Formats CSV, fichiers déposés, fichier des clients ---------------------------------------


def test_a_saved_csv_format_is_journaled_with_its_columns(team):
    saved = save_csv_mapping(
        team.company, team.manager, "Export Cegid", CsvMapping(customer_code="Tiers")
    )

    [row] = rows("csv_mapping_saved")
    assert row.message == "Format CSV « Export Cegid » enregistré."
    assert row.after["csv_mapping_id"] == saved.pk
    assert row.after["mapping"]["customer_code"] == "Tiers"


def test_an_uploaded_file_is_journaled_by_name_size_and_sha256_never_its_contents(team):
    record = store_accounting_file(team.company, team.manager, io.BytesIO(FEC), name="FEC.txt")

    [row] = rows("import_file_stored")
    size = f"{len(FEC):,}".replace(",", "\u202f")
    assert row.message == f"Fichier « FEC.txt » déposé pour import (FEC, {size} octets)."
    assert row.after == {
        "import_id": record.pk,
        "name": "FEC.txt",
        "size": len(FEC),
        "sha256": hashlib.sha256(FEC).hexdigest(),
        "format": "fec",
        "as_of": None,
        "csv_mapping": None,
    }
    assert "Boulangerie" not in row_text(row)


def test_the_import_page_journals_the_upload_and_the_csv_format(client, team):
    client.force_login(team.manager)

    client.post(reverse("import_upload"), {"file": SimpleUploadedFile("balance.txt", FEC)})
    client.post(
        reverse("import_csv_mapping_create"),
        {"name": "Export Sage", "customer_code": "Compte", "piece_ref": "Pièce",
         "due_date": "Échéance", "open_amount": "Solde"},
    )  # fmt: skip

    [upload] = rows("import_file_stored")
    assert upload.message.startswith("Fichier « balance.txt » déposé pour import (FEC,")
    assert upload.user == team.manager
    [mapping] = rows("csv_mapping_saved")
    assert mapping.message == "Format CSV « Export Sage » enregistré."


def test_a_customers_file_writes_one_summary_row(team):
    content = "Code client;Raison sociale;Type\nC900;Traiteur des Pentes;B2B\nC901;Léon;B2C\n"

    import_customers_file(
        team.company, io.BytesIO(content.encode()), user=team.manager, name="clients.csv"
    )

    [row] = rows("customers_imported")
    assert row.message.startswith("Import du fichier des clients « clients.csv » : 2 clients créés")
    assert row.after["created_codes"] == ["C900", "C901"]


# --- « Structure › Journal » ------------------------------------------------------------------


def test_the_journal_page_lists_the_companys_rows_newest_first_with_before_and_after(client, team):
    value = add_list_value(team.company, "dispute_reason", "Facture contestée", user=team.manager)
    rename_list_value(team.company, "dispute_reason", value.pk, "Prix contesté", user=team.manager)
    other = a_company(name="Autre SAS", siren="")
    add_list_value(
        other, "dispute_reason", "Secret d'une autre société", user=a_user(other, Role.MANAGER)
    )
    client.force_login(team.manager)

    page = client.get(reverse("journal_list")).content.decode()

    assert f'href="{reverse("journal_list")}"' in page  # the menu entry « Structure › Journal »
    renamed = page.index("Motif de litige « Facture contestée » renommé « Prix contesté ».")
    added = page.index("Motif de litige « Facture contestée » ajouté.")
    assert renamed < added  # newest first
    assert "Valeur de liste renommée" in page and "Avant / après" in page
    assert "Secret d&#x27;une autre société" not in page and "Secret d'une" not in page


def test_the_journal_page_filters_by_action_and_pages(client, team):
    for number in range(55):
        company_entry(
            team.company, "list_value_added", f"Valeur {number} ajoutée.", user=team.manager
        )
    add_rate(
        RateKind.ECB, date(2031, 3, 12), Decimal("2.150"), user=team.manager, company=team.company
    )
    client.force_login(team.manager)

    first = client.get(reverse("journal_list"), {"action": "rate_added"}).content.decode()
    listed = client.get(reverse("journal_list"), {"action": "list_value_added"}).content.decode()
    second = client.get(
        reverse("journal_list"), {"action": "list_value_added", "page": "2"}
    ).content.decode()
    unknown = client.get(reverse("journal_list"), {"action": "n'existe pas\x00"})

    assert "Taux ajouté : " in first and "Valeur 3 ajoutée." not in first
    assert "Page 1 sur 2" in listed and "Valeur 54 ajoutée." in listed
    assert "Valeur 0 ajoutée." in second and "Valeur 54 ajoutée." not in second
    assert unknown.status_code == 200 and "Taux ajouté" in unknown.content.decode()


@pytest.mark.parametrize("persona", ["collector_user", "reader"])
def test_only_a_manager_reads_the_journal(client, team, persona):
    client.force_login(getattr(team, persona))

    response = client.get(reverse("journal_list"))
    menu = client.get(reverse("dossier_list")).content.decode()

    assert response.status_code == 403
    assert "Seul un responsable recouvrement peut consulter le journal" in response.content.decode()
    assert f'href="{reverse("journal_list")}"' not in menu


def test_the_services_refuse_anyone_but_a_manager_and_write_nothing(team):
    with pytest.raises(PermissionDenied):
        add_list_value(team.company, "resolution", "Payé", user=team.collector_user)

    assert rows("list_value_added") == []
