"""A document altered or removed on the disk since it was attached is never served (S10, O6):
a French page says so (409 / 410), not the file, not a 500."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recouvrement.db.models import AttachedDocument
from tests.builders import a_customer, a_dossier, a_scenario

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"
    return settings.MEDIA_ROOT


@pytest.fixture
def attached(client, team, media) -> AttachedDocument:
    dossier = a_dossier(
        a_customer(team.company), collector=team.collector, scenario=a_scenario(team.company)
    )
    intervention = dossier.interventions.get()
    client.force_login(team.collector_user)
    upload = SimpleUploadedFile("accusé.pdf", PDF, content_type="application/pdf")
    client.post(reverse("intervention_attach", args=[intervention.pk]), {"document": upload})
    return AttachedDocument.objects.get(intervention=intervention)


def _open(client, document: AttachedDocument):
    return client.get(reverse("intervention_document", args=[document.intervention_id]))


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_document_as_deposited_is_served(client, attached):
    response = _open(client, attached)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_a_document_altered_on_the_disk_is_not_served(client, attached, media):
    (media / attached.file.name).write_bytes(PDF.replace(b"1.4", b"1.7"))

    response = _open(client, attached)

    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    page = _text(response)
    assert (
        "Le document « accusé.pdf » a été modifié sur le disque depuis son dépôt : il n'est pas "
        "servi. Prévenez l'administrateur (commande « recouvrement verify »)." in page
    )
    assert "%PDF" not in page


def test_a_document_missing_on_the_disk_says_so(client, attached, media):
    (media / attached.file.name).unlink()

    response = _open(client, attached)

    assert response.status_code == 410
    assert "Le fichier du document « accusé.pdf » est introuvable sur le disque" in _text(response)
    assert "Retour au dossier" in _text(response)
