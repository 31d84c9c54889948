"""Personal API tokens (issue 14 §3): the service, `recouvrement token …` and « Jetons d'API »."""

import hashlib
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from recouvrement import cli
from recouvrement.db.models import ApiToken, JournalEntry
from recouvrement.domain import audit
from recouvrement.domain.statuses import Role
from recouvrement.services.api_tokens import authenticate, create_token, revoke_token
from tests.builders import a_company, a_user


def test_a_token_is_stored_hashed_and_shown_once(team):
    token, plain = create_token(team.manager, name="ERP")
    assert plain.startswith("rcv_") and len(plain) > 40
    assert token.key_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in {token.key_hash, token.prefix} and plain.startswith(token.prefix)
    stored = ApiToken.objects.get(pk=token.pk)
    assert plain not in json.dumps([stored.name, stored.key_hash, stored.prefix])
    entry = JournalEntry.objects.get(action=audit.API_TOKEN_CREATED)
    assert entry.company_id == team.company.pk and "ERP" in entry.message
    assert plain not in json.dumps([entry.message, entry.after])


def test_authenticate_finds_the_token_and_stamps_its_use(team):
    token, plain = create_token(team.reader, name="Tableur")
    found = authenticate(plain)
    assert found.pk == token.pk and found.user == team.reader
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    assert authenticate(plain + "x") is None
    assert authenticate("") is None


def test_a_revoked_token_or_an_inactive_user_no_longer_authenticates(team):
    token, plain = create_token(team.collector_user, name="a")
    revoke_token(team.collector_user, token.pk)
    assert authenticate(plain) is None
    assert JournalEntry.objects.filter(action=audit.API_TOKEN_REVOKED).count() == 1
    _, other = create_token(team.other_collector_user, name="b")
    team.other_collector_user.is_active = False
    team.other_collector_user.save()
    assert authenticate(other) is None


def test_a_token_needs_a_name(team):
    with pytest.raises(ValidationError, match="nom"):
        create_token(team.manager, name="  ")


def test_only_the_owner_or_a_manager_of_their_company_revokes(team):
    token, _ = create_token(team.collector_user, name="a")
    with pytest.raises(ApiToken.DoesNotExist):
        revoke_token(team.other_collector_user, token.pk)
    stranger = a_user(a_company(name="Autre SARL", siren=""), Role.MANAGER, "ailleurs")
    with pytest.raises(ApiToken.DoesNotExist):
        revoke_token(stranger, token.pk)
    assert revoke_token(team.manager, token.pk).revoked_at is not None


def test_cli_creates_lists_and_revokes(team, capsys):
    assert cli.main(["token", "create", "responsable", "--name", "ERP", "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip())
    assert out["name"] == "ERP" and out["user"] == "responsable"
    assert authenticate(out["token"]).pk == out["id"]

    assert cli.main(["token", "list", "responsable"]) == 0
    listing = capsys.readouterr().out
    assert "ERP" in listing and out["token"] not in listing and "actif" in listing

    assert cli.main(["token", "revoke", str(out["id"])]) == 0
    assert "révoqué" in capsys.readouterr().out
    assert authenticate(out["token"]) is None


def test_cli_prints_the_token_once_without_json(team, capsys):
    assert cli.main(["token", "create", "lecture"]) == 0
    text = capsys.readouterr().out
    plain = next(word for word in text.split() if word.startswith("rcv_"))
    assert authenticate(plain).user == team.reader
    assert "ne sera plus affiché" in text


def test_cli_refuses_an_unknown_user_or_token(team, capsys):
    assert cli.main(["token", "create", "personne"]) == 2
    assert "Utilisateur inconnu" in capsys.readouterr().err
    assert cli.main(["token", "revoke", "999999"]) == 2
    assert "inconnu" in capsys.readouterr().err


def test_the_page_creates_shows_once_lists_and_revokes(team, client):
    client.force_login(team.reader)  # « Consultation » may hold a token (read-only calls)
    page = client.get(reverse("api_tokens"))
    assert page.status_code == 200 and "Aucun jeton" in page.content.decode()

    created = client.post(reverse("api_tokens"), {"name": "Tableur"})
    assert created.status_code == 200
    token = ApiToken.objects.get(user=team.reader)
    html = created.content.decode()
    plain = html.split('id="api-token" value="')[1].split('"')[0]
    assert authenticate(plain).pk == token.pk
    assert created["Cache-Control"].startswith("max-age=0")

    listing = client.get(reverse("api_tokens")).content.decode()
    assert "Tableur" in listing and token.prefix in listing and plain not in listing

    confirm = client.get(reverse("api_token_revoke", args=[token.pk]))
    assert confirm.status_code == 200 and "Révoquer le jeton" in confirm.content.decode()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    done = client.post(reverse("api_token_revoke", args=[token.pk]), follow=True)
    assert "est révoqué" in done.content.decode()
    assert authenticate(plain) is None


def test_the_page_refuses_an_empty_name_and_others_tokens(team, client):
    token, _ = create_token(team.manager, name="ERP")
    client.force_login(team.collector_user)
    assert client.post(reverse("api_tokens"), {"name": ""}).status_code == 400
    assert client.get(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_the_account_page_links_to_the_tokens(team, client):
    client.force_login(team.collector_user)
    page = client.get(reverse("password_change")).content.decode()
    assert reverse("api_tokens") in page
