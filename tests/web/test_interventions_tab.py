"""The « Interventions » tab, used the way a user does (S3–S12, PRODUCT §1)."""

import html
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from recouvrement import services
from recouvrement.db.models import AttachedDocument, Intervention, JournalEntry, PrintBatch
from recouvrement.documents import LetterRenderingError
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus, Role
from recouvrement.services import letters as letter_services
from tests.builders import a_company, a_contact, a_customer, a_dossier, a_scenario, a_user

CALL_THEN_LETTER = [
    (0, ActionType.PHONE, "Appel de relance"),
    (0, ActionType.LETTER, "Courrier de relance"),
]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def documents(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"


@pytest.fixture
def dossier(team):
    """Sophie's dossier, its first step « Appel de relance » « A faire » (S2)."""
    customer = a_customer(team.company, name="Boulangerie Durand")
    a_contact(customer, last_name="Durand", first_name="Anne")
    return a_dossier(
        customer,
        user=team.manager,
        collector=team.collector,
        scenario=a_scenario(team.company, steps=CALL_THEN_LETTER),
    )


def _first(dossier) -> Intervention:
    return dossier.interventions.order_by("pk").first()


def _tab(dossier, **query) -> str:
    url = reverse("dossier_detail", args=[dossier.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _done(intervention, user) -> None:
    services.set_intervention_status(
        intervention, InterventionStatus.DONE, today=timezone.localdate(), user=user
    )


def _text(response) -> str:
    """The page as the user reads it (entities such as ' decoded)."""
    return html.unescape(response.content.decode())


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# S3 — the ligne de saisie


def test_modifier_on_a_row_a_faire_shows_the_entry_line_with_enregistrer(client, team, dossier):
    client.force_login(team.collector_user)

    page = client.get(_tab(dossier, modifier=_first(dossier).pk)).content.decode()

    assert 'class="entry-line"' in page
    assert "Enregistrer" in page
    assert "Anne Durand" in page or "Durand" in page
    assert "Paramètres" in page
    assert "Attacher un document…" in page


def test_the_entry_line_saves_date_contact_and_comment(client, team, dossier):
    call = _first(dossier)
    contact = dossier.customer.contacts.get()
    client.force_login(team.collector_user)

    response = client.post(
        reverse("intervention_save", args=[call.pk]),
        {"planned_date": "2026-12-04", "contact": contact.pk, "comment": "Rappeler vendredi"},
        follow=True,
    )

    call.refresh_from_db()
    assert (call.planned_date, call.contact, call.comment) == (
        date(2026, 12, 4),
        contact,
        "Rappeler vendredi",
    )
    assert "Intervention « Appel de relance » enregistrée." in _messages(response)
    assert "Rappeler vendredi" in _text(response)


def test_a_wrong_date_in_the_entry_line_is_told_in_french(client, team, dossier):
    call = _first(dossier)
    client.force_login(team.collector_user)

    response = client.post(
        reverse("intervention_save", args=[call.pk]),
        {"planned_date": "pas une date", "comment": "x"},
        follow=True,
    )

    assert response.status_code == 200
    assert any(m.startswith("Date : ") for m in _messages(response))
    call.refresh_from_db()
    assert call.comment == ""


# S4 — statuses


def test_parametres_realisee_marks_the_intervention_done(client, team, dossier):
    call = _first(dossier)
    client.force_login(team.collector_user)

    response = client.post(
        reverse("intervention_status", args=[call.pk]), {"statut": "done"}, follow=True
    )

    call.refresh_from_db()
    assert call.status == InterventionStatus.DONE
    assert call.done_date == timezone.localdate()
    assert "« Appel de relance » : statut « Réalisée »." in _messages(response)


def test_the_statut_drop_down_sets_the_step_ignoree(client, team, dossier):
    call = _first(dossier)
    client.force_login(team.collector_user)

    client.post(reverse("intervention_status", args=[call.pk]), {"statut": "skipped"})

    call.refresh_from_db()
    assert call.status == InterventionStatus.SKIPPED


def test_the_drop_down_offers_a_faire_realisee_ignoree_on_a_row_a_faire(client, team, dossier):
    client.force_login(team.collector_user)

    response = client.get(_tab(dossier, modifier=_first(dossier).pk))

    (row,) = [r for r in response.context["tab"].rows if r.selected]
    assert [s.label for s in row.statuses] == ["A faire", "Réalisée", "Ignorée"]
    assert '<option value="skipped">Ignorée</option>' in _text(response)


def test_only_a_manager_is_offered_to_set_a_done_row_back_to_a_faire(client, team, dossier):
    call = _first(dossier)
    _done(call, team.manager)
    client.force_login(team.collector_user)
    collector_rows = client.get(_tab(dossier, modifier=call.pk)).context["tab"].rows
    client.force_login(team.manager)

    manager_rows = client.get(_tab(dossier, modifier=call.pk)).context["tab"].rows

    assert [s.label for s in collector_rows[0].statuses] == ["Réalisée"]
    assert [s.label for s in manager_rows[0].statuses] == ["Réalisée", "A faire"]


def test_a_collector_setting_a_done_row_back_is_refused_in_french(client, team, dossier):
    call = _first(dossier)
    _done(call, team.manager)
    client.force_login(team.collector_user)

    response = client.post(
        reverse("intervention_status", args=[call.pk]), {"statut": "todo"}, follow=True
    )

    assert response.status_code == 200
    assert any("Seul un responsable recouvrement" in m for m in _messages(response))
    call.refresh_from_db()
    assert call.status == InterventionStatus.DONE


# S5, S7 — Préparer and the print window


def test_preparer_creates_the_next_step_a_faire(client, team):
    customer = a_customer(team.company)
    steps = [(0, ActionType.PHONE, "Appel 1"), (0, ActionType.PHONE, "Appel 2")]
    dossier = a_dossier(
        customer,
        user=team.manager,
        collector=team.collector,
        scenario=a_scenario(team.company, steps),
    )
    _done(_first(dossier), team.manager)
    client.force_login(team.collector_user)

    response = client.post(reverse("dossier_prepare", args=[dossier.pk]), follow=True)

    labels = list(dossier.interventions.order_by("pk").values_list("label", "status"))
    assert labels == [("Appel 1", "done"), ("Appel 2", "todo")]
    assert "Étape « Appel 2 » préparée." in _messages(response)


def test_preparer_while_a_step_is_a_faire_is_refused_in_french(client, team, dossier):
    client.force_login(team.collector_user)

    response = client.post(reverse("dossier_prepare", args=[dossier.pk]), follow=True)

    assert response.status_code == 200
    assert _messages(response)
    assert dossier.interventions.count() == 1


def test_a_letter_step_opens_the_print_window_and_printing_marks_it_done(client, team, dossier):
    _done(_first(dossier), team.manager)
    client.force_login(team.collector_user)

    prepared = client.post(reverse("dossier_prepare", args=[dossier.pk]))
    letter = dossier.interventions.get(label="Courrier de relance")
    window = client.get(prepared.url)
    preview = client.get(reverse("intervention_preview", args=[letter.pk]))
    letter.refresh_from_db()
    still_todo = letter.status
    printed = client.post(reverse("intervention_print", args=[letter.pk]), follow=True)
    pdf = client.get(reverse("intervention_letter", args=[letter.pk]))

    assert prepared.url == reverse("intervention_print", args=[letter.pk])
    assert "Impression du courrier" in window.content.decode()
    assert ">Imprimer</button>" in window.content.decode()
    assert preview["Content-Type"] == "application/pdf"
    assert preview.content.startswith(b"%PDF")
    assert still_todo == InterventionStatus.TODO
    assert PrintBatch.objects.count() == 1  # the preview stored nothing; printing stored one
    letter.refresh_from_db()
    assert letter.status == InterventionStatus.DONE
    assert "Courrier imprimé" in printed.content.decode()
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline")
    assert pdf.content.startswith(b"%PDF")
    tab = client.get(_tab(dossier)).content.decode()
    assert reverse("intervention_letter", args=[letter.pk]) in tab


def test_a_letter_that_does_not_render_is_told_and_nothing_is_printed(
    client, team, dossier, monkeypatch
):
    _done(_first(dossier), team.manager)
    client.force_login(team.collector_user)
    client.post(reverse("dossier_prepare", args=[dossier.pk]))
    letter = dossier.interventions.get(label="Courrier de relance")

    def broken(letters):
        raise LetterRenderingError("Le rendu PDF des courriers a échoué : typst")

    monkeypatch.setattr(letter_services, "render_batch", broken)
    preview = client.get(reverse("intervention_preview", args=[letter.pk]))
    printed = client.post(reverse("intervention_print", args=[letter.pk]), follow=True)

    assert preview.status_code == 422
    assert "Le rendu PDF des courriers a échoué : typst" in preview.content.decode()
    assert any("Le rendu PDF des courriers a échoué" in m for m in _messages(printed))
    letter.refresh_from_db()
    assert letter.status == InterventionStatus.TODO
    assert not PrintBatch.objects.exists()


# S10 — Attacher un document…


def _upload(client, intervention, name: str, content: bytes, **extra):
    return client.post(
        reverse("intervention_attach", args=[intervention.pk]),
        {"document": SimpleUploadedFile(name, content, content_type="application/pdf")},
        **extra,
    )


def test_a_pdf_is_attached_and_opened_from_the_paperclip(client, team, dossier, documents):
    call = _first(dossier)
    client.force_login(team.collector_user)

    response = _upload(client, call, "accuse.pdf", PDF, follow=True)
    opened = client.get(reverse("intervention_document", args=[call.pk]))

    assert "Document « accuse.pdf » attaché." in _messages(response)
    assert "📎" in _text(response)
    assert opened["Content-Type"] == "application/pdf"
    assert opened["Content-Disposition"].startswith("inline")
    assert b"".join(opened.streaming_content) == PDF


def test_a_second_document_is_refused(client, team, dossier, documents):
    call = _first(dossier)
    client.force_login(team.collector_user)
    _upload(client, call, "premier.pdf", PDF)

    response = _upload(client, call, "second.pdf", PDF)

    assert response.status_code == 400
    assert "Un document est déjà attaché" in _text(response)
    assert AttachedDocument.objects.get(intervention=call).original_name == "premier.pdf"


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00\x03\x00\x00\x00programme", b"<html><script>alert(1)</script></html>"],
    ids=["exe", "html"],
)
def test_a_file_renamed_pdf_is_refused_by_its_content(client, team, dossier, documents, content):
    client.force_login(team.collector_user)

    response = _upload(client, _first(dossier), "facture.pdf", content)

    assert response.status_code == 400
    assert "Ce type de fichier n'est pas accepté" in _text(response)
    assert not AttachedDocument.objects.exists()


def test_an_oversize_file_is_refused(client, team, dossier, documents, settings):
    settings.RECOUVREMENT_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(team.collector_user)

    response = _upload(client, _first(dossier), "gros.pdf", PDF + b"0" * (1024 * 1024))

    assert response.status_code == 400
    assert "taille maximale de 1 Mo" in _text(response)
    assert not AttachedDocument.objects.exists()


def test_an_attached_document_is_not_found_by_a_user_of_another_company(
    client, team, dossier, documents
):
    call = _first(dossier)
    services.attach_document(
        call,
        user=team.collector_user,
        name="accuse.pdf",
        content=PDF,
        content_type="application/pdf",
    )
    outsider = a_user(a_company(name="Autre Société"), Role.MANAGER, "ailleurs")
    client.force_login(outsider)

    response = client.get(reverse("intervention_document", args=[call.pk]))

    assert response.status_code == 404


def test_no_page_offers_to_delete_or_replace_an_attached_document(client, team, dossier, documents):
    call = _first(dossier)
    client.force_login(team.collector_user)
    _upload(client, call, "accuse.pdf", PDF)

    page = client.get(_tab(dossier, modifier=call.pk)).content.decode()

    assert "Attacher un document…" not in page
    assert "Document déjà attaché" in page


# S11 — Créer une intervention


def test_an_alert_is_created_with_its_date_and_message(client, team, dossier):
    client.force_login(team.collector_user)
    on = timezone.localdate() + timedelta(days=5)

    response = client.post(
        reverse("intervention_create", args=[dossier.pk]),
        {"kind": "alert", "planned_date": on.isoformat(), "comment": "Rappeler le gérant"},
        follow=True,
    )

    alert = dossier.interventions.get(kind=InterventionKind.ALERT)
    assert (alert.planned_date, alert.comment) == (on, "Rappeler le gérant")
    assert "Rappeler le gérant" in _text(response)


def test_a_promise_is_created_with_a_french_amount(client, team, dossier):
    client.force_login(team.collector_user)
    on = timezone.localdate() + timedelta(days=10)

    client.post(
        reverse("intervention_create", args=[dossier.pk]),
        {"kind": "promise", "planned_date": on.isoformat(), "promise_amount": "1 234,56"},
    )

    promise = dossier.interventions.get(kind=InterventionKind.PROMISE)
    assert str(promise.promise_amount) == "1234.56"
    assert promise.planned_date == on


def test_a_manual_intervention_without_a_label_is_refused_in_french(client, team, dossier):
    client.force_login(team.collector_user)

    response = client.post(
        reverse("intervention_create", args=[dossier.pk]),
        {"kind": "manual", "planned_date": timezone.localdate().isoformat(), "label": ""},
    )

    assert response.status_code == 400
    assert "Donnez un intitulé à l'intervention." in _text(response)


# S12 — Supprimer


def test_supprimer_asks_for_confirmation_then_deletes(client, team, dossier):
    client.force_login(team.collector_user)
    alert = services.create_intervention(
        dossier,
        InterventionKind.ALERT,
        today=timezone.localdate(),
        user=team.collector_user,
        planned_date=timezone.localdate(),
        comment="Relancer",
    )

    confirmation = client.get(reverse("intervention_delete", args=[alert.pk]))
    response = client.post(reverse("intervention_delete", args=[alert.pk]), follow=True)

    assert "Voulez-vous supprimer l'intervention" in _text(confirmation)
    assert not Intervention.objects.filter(pk=alert.pk).exists()
    assert JournalEntry.objects.filter(action="intervention_deleted").exists()
    assert any("supprimée" in m for m in _messages(response))


def test_an_intervention_with_a_document_cannot_be_deleted(client, team, dossier, documents):
    call = _first(dossier)
    client.force_login(team.collector_user)
    _upload(client, call, "accuse.pdf", PDF)

    response = client.post(reverse("intervention_delete", args=[call.pk]), follow=True)

    assert any("document attaché" in m for m in _messages(response))
    assert Intervention.objects.filter(pk=call.pk).exists()


# S8 — Fermer


def test_fermer_with_every_intervention_done_asks_to_prepare_the_next_one(client, team, dossier):
    _done(_first(dossier), team.manager)
    client.force_login(team.collector_user)

    response = client.get(reverse("dossier_close", args=[dossier.pk]))

    page = _text(response)
    assert "Voulez-vous préparer l'intervention suivante ?" in page
    assert reverse("dossier_prepare", args=[dossier.pk]) in page
    assert f'href="{reverse("dossier_list")}"' in page


def test_fermer_with_a_step_a_faire_goes_back_to_the_list(client, team, dossier):
    client.force_login(team.collector_user)

    response = client.get(reverse("dossier_close", args=[dossier.pk]))

    assert response.status_code == 302
    assert response.url == reverse("dossier_list")


# Permissions (PRODUCT §1)


def test_the_other_collectors_forged_post_is_forbidden_and_changes_nothing(client, team, dossier):
    call = _first(dossier)
    client.force_login(team.other_collector_user)

    responses = [
        client.post(reverse("intervention_status", args=[call.pk]), {"statut": "done"}),
        client.post(
            reverse("intervention_save", args=[call.pk]),
            {"planned_date": "2026-12-24", "comment": "forgé"},
        ),
        client.post(reverse("intervention_delete", args=[call.pk])),
        client.post(reverse("dossier_prepare", args=[dossier.pk])),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert "suivi par un autre chargé de recouvrement" in _text(responses[0])
    call.refresh_from_db()
    assert (call.status, call.comment) == (InterventionStatus.TODO, "")


def test_the_reader_sees_no_action_and_any_post_is_forbidden(client, team, dossier):
    call = _first(dossier)
    client.force_login(team.reader)

    page = client.get(_tab(dossier, modifier=call.pk)).content.decode()
    responses = [
        client.post(reverse("intervention_status", args=[call.pk]), {"statut": "done"}),
        client.post(reverse("intervention_create", args=[dossier.pk]), {"kind": "alert"}),
        client.get(reverse("intervention_attach", args=[call.pk])),
    ]

    for label in ("Créer une intervention", "Préparer", "Enregistrer", "Modifier", "Supprimer"):
        assert label not in page
    assert [r.status_code for r in responses] == [403, 403, 403]
    call.refresh_from_db()
    assert call.status == InterventionStatus.TODO


def test_an_intervention_of_another_company_is_not_found(client, team):
    foreign = a_dossier(a_customer(a_company(name="Autre Société")))
    alert = services.create_intervention(
        foreign,
        InterventionKind.ALERT,
        today=timezone.localdate(),
        user=None,
        planned_date=timezone.localdate(),
        comment="Relancer",
    )
    client.force_login(team.manager)

    responses = [
        client.post(reverse("intervention_status", args=[alert.pk]), {"statut": "done"}),
        client.get(reverse("intervention_delete", args=[alert.pk])),
        client.post(reverse("dossier_prepare", args=[foreign.pk])),
        client.get(reverse("dossier_close", args=[foreign.pk])),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]


def test_a_collector_attaches_a_document_to_a_done_intervention(client, team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dossier = a_dossier(
        a_customer(team.company), scenario=a_scenario(team.company), collector=team.collector
    )
    done = dossier.interventions.get()
    services.set_intervention_status(done, "done", today=dossier.start_date, user=None)
    client.force_login(team.collector_user)

    page = client.get(reverse("dossier_detail", args=[dossier.pk]), {"modifier": done.pk})
    response = client.post(
        reverse("intervention_attach", args=[done.pk]),
        {"document": SimpleUploadedFile("ar.pdf", b"%PDF-1.4 accuse", "application/pdf")},
    )

    assert (
        "Sélectionner" in client.get(reverse("dossier_detail", args=[dossier.pk])).content.decode()
    )
    assert "Attacher un document" in page.content.decode()
    assert response.status_code in (200, 302)
    assert AttachedDocument.objects.get(intervention=done).original_name == "ar.pdf"
