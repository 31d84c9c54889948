"""« Préparer le dossier contentieux » (B8): the manager or the dossier's collector builds the
pack from the dossier page and downloads its PDF and ZIP; others get 403."""

import shutil
from html import unescape

import pytest
from django.urls import reverse

from recouvrement import services
from recouvrement.db.models import EvidencePack, LegalRate
from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.statuses import ActionType
from tests.integration.test_printing import TODAY, a_letter_dossier

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def a_printed_dossier(team):
    dossier = a_letter_dossier(team)
    services.print_letters([dossier.interventions.get()], today=TODAY, user=None)
    return dossier


@pytest.mark.parametrize("who", ["manager", "collector_user"])
def test_the_manager_or_the_collector_builds_and_downloads_it(client, team, who):
    dossier = a_printed_dossier(team)
    client.force_login(getattr(team, who))
    page = client.get(reverse("dossier_detail", args=[dossier.pk])).content.decode()
    assert "Préparer le dossier contentieux" in page

    response = client.post(reverse("evidence_build", args=[dossier.pk]))

    pack = EvidencePack.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence_detail", args=[dossier.pk, pack.pk])
    detail = client.get(response["Location"]).content.decode()
    assert pack.sha256 in detail and "projet à vérifier" in detail
    pdf = client.get(reverse("evidence_download", args=[dossier.pk, pack.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]) == bytes(pack.pdf)
    archive = client.get(reverse("evidence_download", args=[dossier.pk, pack.pk, "zip"]))
    assert archive.content == bytes(pack.zip)


@pytest.mark.parametrize("who", ["other_collector_user", "reader"])
def test_another_collector_or_a_reader_gets_403_and_no_button(client, team, who):
    dossier = a_printed_dossier(team)
    client.force_login(getattr(team, who))
    page = client.get(reverse("dossier_detail", args=[dossier.pk])).content.decode()
    assert "Préparer le dossier contentieux" not in page

    response = client.post(reverse("evidence_build", args=[dossier.pk]))

    assert response.status_code == 403
    assert not EvidencePack.objects.exists()


def test_a_pack_of_another_dossier_is_not_found(client, team):
    dossier = a_printed_dossier(team)
    client.force_login(team.manager)
    client.post(reverse("evidence_build", args=[dossier.pk]))
    pack = EvidencePack.objects.get()
    other = a_letter_dossier(team, name="Autre client")

    response = client.get(reverse("evidence_download", args=[other.pk, pack.pk, "pdf"]))

    assert response.status_code == 404


def test_a_pack_that_cannot_be_built_says_why_on_its_own_page(client, team):
    """A consumer's claim adds legal interest: without the semester's rate nothing is stored
    and the page names the rate to enter (not a message lost in a tab)."""
    notice = [(0, ActionType.FORMAL_NOTICE, "Mise en demeure")]
    dossier = a_letter_dossier(team, kind=CustomerKind.B2C, steps=notice, name="Jean Dupont")
    services.print_letters([dossier.interventions.get()], today=TODAY, user=None)
    LegalRate.objects.all().delete()  # interest runs from the mise en demeure (C. civ. 1231-6)
    client.force_login(team.manager)

    response = client.post(reverse("evidence_build", args=[dossier.pk]))

    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "Le dossier de preuve n'a pas été préparé" in html
    assert "taux de l'intérêt légal" in html and reverse("rate_list") in html
    assert not EvidencePack.objects.exists()
