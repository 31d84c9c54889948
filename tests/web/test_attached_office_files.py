"""« Attacher un document… » takes e-mails and office files, checked by content, and serves
them back as a download of their own type (S10, issue 13 §6)."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recouvrement import services
from recouvrement.db.models import AttachedDocument
from recouvrement.domain import file_types
from recouvrement.domain.statuses import InterventionKind
from tests.builders import a_customer, a_dossier
from tests.unit.test_document_types import EML, docx, msg, odt, xlsx


@pytest.fixture
def documents(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"


@pytest.fixture
def step(team):
    customer = a_customer(team.company, name="Boulangerie Durand")
    dossier = a_dossier(customer, user=team.manager, collector=team.collector)
    return services.create_intervention(
        dossier,
        InterventionKind.MANUAL,
        today=dossier.start_date,
        user=team.manager,
        planned_date=dossier.start_date,
        label="Appel de relance",
    )


def _upload(client, intervention, name: str, content: bytes, browser_type: str):
    return client.post(
        reverse("intervention_attach", args=[intervention.pk]),
        {"document": SimpleUploadedFile(name, content, content_type=browser_type)},
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("Réponse client.eml", EML, "message/rfc822"),
        ("reponse.msg", msg(), "application/vnd.ms-outlook"),
        ("echeancier.docx", docx(), file_types.DOCX),
        ("releve.xlsx", xlsx(), file_types.XLSX),
        ("courrier.odt", odt(), file_types.ODT),
    ],
    ids=["eml", "msg", "docx", "xlsx", "odt"],
)
def test_an_email_or_office_file_is_attached_and_downloaded_back(
    client, team, step, documents, name, content, expected
):
    client.force_login(team.collector_user)

    response = _upload(client, step, name, content, "application/octet-stream")
    opened = client.get(reverse("intervention_document", args=[step.pk]))

    assert f"Document « {name} » attaché." in html.unescape(response.content.decode())
    assert AttachedDocument.objects.get(intervention=step).content_type == expected
    assert opened["Content-Type"] == expected
    assert opened["Content-Disposition"].startswith("attachment")
    assert b"".join(opened.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("facture.docx", b"MZ\x90\x00\x03\x00\x00\x00programme"),
        ("reponse.eml", b"<html><body>From: x</body></html>"),
        ("macro.docx", docx("application/vnd.ms-word.document.macroEnabled.main+xml")),
    ],
    ids=["exe", "html", "docm"],
)
def test_a_renamed_program_or_page_is_still_refused(client, team, step, documents, name, content):
    client.force_login(team.collector_user)

    response = _upload(client, step, name, content, file_types.DOCX)

    assert response.status_code == 400
    assert "Ce type de fichier n'est pas accepté" in html.unescape(response.content.decode())
    assert not AttachedDocument.objects.exists()


def test_the_file_picker_offers_the_new_kinds(client, team, step):
    client.force_login(team.collector_user)

    page = client.get(reverse("intervention_attach", args=[step.pk])).content.decode()

    assert 'accept=".pdf,.png,.jpg,.jpeg,.txt,.csv,.eml,.msg,.docx,.xlsx,.odt"' in page
    assert "e-mail (.eml, .msg)" in page
