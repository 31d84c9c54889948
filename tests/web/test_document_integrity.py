"""A document altered or removed in the storage since it was attached is never served (S10, O6):
a French page says so (409 / 410), not the file, not a 500."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recouvrement.db.models import AttachedDocument, StoredFile
from tests.builders import a_customer, a_dossier, a_scenario

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class Stored:
    """The files as the storage keeps them (the database storage: its rows), to alter."""

    def write(self, name: str, content: bytes) -> None:
        assert StoredFile.objects.filter(name=name).update(content=content) == 1

    def remove(self, name: str) -> None:
        assert StoredFile.objects.filter(name=name).delete()[0] == 1


@pytest.fixture
def media() -> Stored:
    return Stored()


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


def test_a_document_altered_in_the_storage_is_not_served(client, attached, media):
    media.write(attached.file.name, PDF.replace(b"1.4", b"1.7"))

    response = _open(client, attached)

    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    page = _text(response)
    assert (
        "Le document « accusé.pdf » a été modifié dans le stockage des documents depuis son "
        "dépôt : il n'est pas servi. Prévenez l'administrateur (commande « recouvrement verify »)."
        in page
    )
    assert "%PDF" not in page


def test_a_document_missing_in_the_storage_says_so(client, attached, media):
    media.remove(attached.file.name)

    response = _open(client, attached)

    assert response.status_code == 410
    assert (
        "Le fichier du document « accusé.pdf » est introuvable dans le stockage des documents"
        in _text(response)
    )
    assert "Retour au dossier" in _text(response)
