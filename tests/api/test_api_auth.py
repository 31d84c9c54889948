"""Who calls the API (issue 14 §3): tokens, roles, companies, rate limit, French JSON errors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from recouvrement.db.models import ApiToken
from recouvrement.domain.statuses import Role
from recouvrement.services.api_tokens import create_token, revoke_token
from tests.builders import a_company, a_customer, a_user

CUSTOMERS = "/api/v1/customers/"


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"detail", "code", "errors"}
    return body


def test_no_token_or_an_unknown_one_is_401_in_french(team, client):
    body = _error(client.get(CUSTOMERS), 401)
    assert "Jeton d'API absent" in body["detail"] and body["code"] == "unauthenticated"
    _error(client.get(CUSTOMERS, HTTP_AUTHORIZATION="Bearer rcv_inconnu"), 401)
    _error(client.get(CUSTOMERS, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz"), 401)


def test_a_revoked_token_is_401(team, call):
    caller = call(team.manager)
    assert caller.get(CUSTOMERS).status_code == 200
    revoke_token(team.manager, ApiToken.objects.get(user=team.manager).pk)
    _error(caller.get(CUSTOMERS), 401)


def test_a_reader_reads_but_its_post_is_403_with_the_domain_message(team, call):
    reader = call(team.reader)
    assert reader.get(CUSTOMERS).status_code == 200
    body = _error(reader.post(CUSTOMERS, {"code": "C1", "name": "Dupont SA"}), 403)
    assert body["detail"].startswith("Seul un responsable recouvrement")
    item = {"customer_code": "C1", "reference": "FA1", "piece_date": "2026-01-01"}
    item |= {"due_date": "2026-02-01", "amount": "10.00", "open_amount": "10.00"}
    push = {"items": [item]}
    _error(reader.post("/api/v1/receivables/bulk/", push), 403)


def test_another_companys_objects_are_404_and_absent_from_lists(team, call):
    mine = a_customer(team.company, code="MOI")
    other_company = a_company(name="Autre SARL", siren="")
    theirs = a_customer(other_company, code="EUX")
    stranger = call(a_user(other_company, Role.MANAGER, "ailleurs"))
    codes = [c["code"] for c in stranger.get(CUSTOMERS).json()["items"]]
    assert codes == ["EUX"]
    body = _error(stranger.get(f"{CUSTOMERS}{mine.pk}/"), 404)
    assert body["detail"] == "Introuvable."
    _error(stranger.patch(f"{CUSTOMERS}{mine.pk}/", {"name": "Piraté"}), 404)
    assert call(team.manager).get(f"{CUSTOMERS}{theirs.pk}/").status_code == 404


def test_a_user_without_a_company_is_403(db, client):
    from django.contrib.auth.models import User

    from recouvrement.services.api_tokens import ApiToken as Token
    from recouvrement.services.api_tokens import digest

    lonely = User.objects.create_user("seul", password="x")
    plain = "rcv_" + "z" * 43
    Token.objects.create(
        user=lonely, name="t", key_hash=digest(plain), prefix=plain[:12], created_at=timezone.now()
    )
    body = _error(client.get(CUSTOMERS, HTTP_AUTHORIZATION=f"Bearer {plain}"), 403)
    assert "aucune société" in body["detail"]


def test_the_rate_limit_is_429_with_retry_after(team, call, settings):
    settings.RECOUVREMENT_API_RATE_PER_MINUTE = 3
    caller = call(team.reader)
    for _ in range(3):
        assert caller.get(CUSTOMERS).status_code == 200
    response = caller.get(CUSTOMERS)
    body = _error(response, 429)
    assert body["code"] == "rate_limited" and "3 appels par minute" in body["detail"]
    assert 1 <= int(response["Retry-After"]) <= 60
    # Counted per token: another token of the same user is not limited.
    assert call(team.reader).get(CUSTOMERS).status_code == 200
    # The next minute starts a new count.
    ApiToken.objects.filter(key_hash__isnull=False, window_count=3).update(
        window_start=timezone.now() - timedelta(minutes=2)
    )
    assert caller.get(CUSTOMERS).status_code == 200


def test_the_rate_limit_is_counted_in_the_database(team, settings):
    from recouvrement.services.api_tokens import RateLimited, authenticate

    settings.RECOUVREMENT_API_RATE_PER_MINUTE = 2
    token, plain = create_token(team.manager, name="t")
    now = timezone.now().replace(second=10)
    authenticate(plain, now=now)
    authenticate(plain, now=now)
    assert ApiToken.objects.get(pk=token.pk).window_count == 2
    with pytest.raises(RateLimited) as refused:
        authenticate(plain, now=now)
    assert refused.value.retry_after == 50
    assert authenticate(plain, now=now + timedelta(minutes=1)).pk == token.pk


def test_errors_are_french_json(team, call):
    caller = call(team.manager)
    bad = _error(caller.get(CUSTOMERS, limit=0), 422)
    assert bad["errors"][0]["field"] == "limit" and bad["detail"].startswith("Requête invalide")
    cursor = _error(caller.get(CUSTOMERS, cursor="%%%pas-un-curseur"), 400)
    assert cursor["code"] == "bad_cursor" and "Curseur de pagination invalide" in cursor["detail"]
    missing = _error(caller.post(CUSTOMERS, {"name": "Sans code"}), 422)
    assert missing["errors"] == [{"field": "code", "message": "Champ obligatoire."}]
    not_json = caller.client.post(CUSTOMERS, "{", content_type="application/json", **caller.headers)
    assert not_json.status_code == 400
    assert not_json.json()["detail"].startswith("Corps de la requête illisible")
    _error(caller.get(f"{CUSTOMERS}999999/"), 404)


def test_the_description_and_the_docs_page_need_no_token(db, client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and schema.json()["info"]["title"] == "Recouvrement"
    assert "ErrorOut" in schema.json()["components"]["schemas"]
    docs = client.get("/api/v1/docs")
    html = docs.content.decode()
    assert docs.status_code == 200 and "/static/ninja/swagger-ui-bundle.js" in html
    policy = dict(part.strip().split(" ", 1) for part in docs["Content-Security-Policy"].split(";"))
    assert "cdn" not in html.lower() and "<script>" not in html
    assert (policy["script-src"], policy["style-src"]) == ("'self'", "'self'")
    assert policy["img-src"] == "'self' data:"  # Swagger UI's icons (api/docs.py)


def test_bad_input_is_never_a_500(team, call):
    caller = call(team.manager)
    nul = _error(caller.post(CUSTOMERS, {"code": "A\x00", "name": "x"}), 422)
    assert nul["errors"] == [{"field": "code", "message": "Caractère nul (U+0000) interdit."}]
    _error(caller.get(CUSTOMERS, q="a\x00"), 422)
    huge = _error(caller.get("/api/v1/receivables/", customer="9" * 20), 422)
    assert huge["errors"][0]["field"] == "customer"
    assert caller.get(f"{CUSTOMERS}{'9' * 20}/").status_code in (400, 404)
    nan = _error(caller.post(CUSTOMERS, {"code": "B", "name": "x", "kind": "autre"}), 422)
    assert nan["errors"][0]["field"] == "kind"


def test_an_unexpected_failure_answers_json_and_is_logged(call, team, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr("recouvrement.services.reports.aged_balance_report", broken)

    response = call(team.manager).get("/api/v1/reports/aged-balance/")

    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "consigné" in response.json()["detail"]
    assert "panne simulée" not in response.content.decode()  # no internals to the caller
    assert any("panne simulée" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
