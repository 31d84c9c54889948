"""The API's « Importer » (issue 14 §3, B4): a FEC uploaded, its preview (the page's dry run),
then applied once with the new customers as chosen — manager only, as the page."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from recouvrement.db.models import AccountingImport, Customer, Receivable
from recouvrement.domain.statuses import Role
from recouvrement.services.api_tokens import create_token
from tests.builders import a_company, a_user

URL = "/api/v1/imports/"
DATA = Path(__file__).parent.parent / "data"
BOOKS = (DATA / "fec_real_books.txt").read_bytes()
BAD = (DATA / "fec_bad_lines.txt").read_bytes()
REFUSED = "Seul un responsable recouvrement peut importer un fichier comptable."


@pytest.fixture(autouse=True)
def stored_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"


def upload(client, user, content: bytes = BOOKS, **fields):
    plain = create_token(user, name="test")[1]
    data = {"file": SimpleUploadedFile("fec.txt", content), **fields}
    return client.post(URL, data, HTTP_AUTHORIZATION=f"Bearer {plain}")


def test_upload_previews_then_apply_imports_once(client, call, team):
    response = upload(client, team.manager, format="fec")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "preview" and body["may_apply"] is True and body["error"] == ""
    report = body["report"]
    assert report["dry_run"] is True and report["rejected_lines"] == 0
    assert report["as_of"] == "2023-06-30" and report["customers_created"] == 10
    assert {row["code"] for row in report["new_customers"]} >= {"CLI001", "CLI002"}
    assert not Customer.objects.exists()  # a preview writes nothing
    manager = call(team.manager)
    again = manager.get(f"{URL}{body['id']}/").json()
    assert again["report"]["receivables_created"] == report["receivables_created"]

    choices = {
        "unchecked_kind": "b2b",
        "customers": [{"code": "CLI001", "kind": "b2c", "payment_terms_days": 45}],
    }
    applied = manager.post(f"{URL}{body['id']}/apply/", choices)
    assert applied.status_code == 200, applied.content
    result = applied.json()
    assert result["state"] == "applied" and result["may_apply"] is False
    assert result["report"]["applied"] is True and result["applied_at"]
    cli001 = Customer.objects.get(code="CLI001")
    assert (cli001.kind, cli001.payment_terms_days) == ("b2c", 45)
    assert Customer.objects.get(code="CLI002").kind == "b2b"  # left « à vérifier »
    assert Receivable.objects.exists()
    twice = manager.post(f"{URL}{body['id']}/apply/", {})
    assert twice.status_code == 409 and twice.json()["code"] == "import_taken"
    listed = manager.get(URL).json()["items"]
    assert [row["id"] for row in listed] == [body["id"]] and listed[0]["state"] == "applied"


def test_a_file_with_rejected_lines_imports_nothing(client, call, team):
    body = upload(client, team.manager, BAD).json()
    assert body["may_apply"] is False and body["report"]["rejected_lines"] > 0
    assert body["report"]["errors"][0]["message"]
    refused = call(team.manager).post(f"{URL}{body['id']}/apply/", {})
    assert refused.status_code == 400 and refused.json()["code"] == "import_rejected_lines"
    assert refused.json()["errors"][0]["field"].startswith("ligne ")
    assert not Customer.objects.exists()


def test_bad_uploads_and_choices_are_refused_in_french(client, call, team):
    binary = upload(client, team.manager, b"\x00\x01\x02")
    assert binary.status_code == 400 and binary.json()["errors"][0]["field"] == "file"
    assert upload(client, team.manager, format="xls").status_code == 422
    body = upload(client, team.manager).json()
    wrong = call(team.manager).post(
        f"{URL}{body['id']}/apply/",
        {"customers": [{"code": "CLI001", "payment_terms_days": 400}]},
    )
    assert wrong.status_code == 400 and "CLI001" in wrong.json()["detail"]
    assert not Customer.objects.exists()
    assert AccountingImport.objects.get(pk=body["id"]).applied_at is None  # the claim let go


def test_imports_are_the_managers(client, call, team):
    body = upload(client, team.manager).json()
    for user in (team.collector_user, team.reader):
        refused = upload(client, user)
        assert refused.status_code == 403 and refused.json()["detail"] == REFUSED
        assert call(user).get(URL).status_code == 403
        assert call(user).get(f"{URL}{body['id']}/").status_code == 403
        assert call(user).post(f"{URL}{body['id']}/apply/", {}).status_code == 403
    stranger = a_user(a_company(name="Autre SARL", siren=""), Role.MANAGER, "ailleurs")
    assert call(stranger).get(f"{URL}{body['id']}/").status_code == 404
    assert call(stranger).post(f"{URL}{body['id']}/apply/", {}).status_code == 404
    assert call(stranger).get(URL).json()["items"] == []
    assert AccountingImport.objects.count() == 1
