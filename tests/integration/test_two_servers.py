"""Two app servers on one PostgreSQL (issue 16 §2): `recouvrement serve` twice, one with two
gunicorn workers, the other waitress, each with its own data folder; what one does, the
other sees — a document attached through one is served by the other, a login throttled on
one is throttled on the other. Real processes, plain HTTP clients (cookies and CSRF)."""

import os
import secrets
import subprocess
import sys
import uuid
from urllib.parse import quote

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse

from recouvrement.bench.serve import HttpSession, Server
from recouvrement.db.models import AttachedDocument
from recouvrement.services.logins import lockout_message
from tests.builders import a_customer, a_dossier, a_scenario

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

PASSWORD = "Deux-Serveurs-2026"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n" + secrets.token_bytes(64)


def database_url() -> str:
    """The test database (pytest-django's), as the servers' RECOUVREMENT_DATABASE_URL."""
    params = connection.settings_dict
    user, password = quote(params.get("USER") or ""), quote(params.get("PASSWORD") or "")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgresql://{credentials}{params['HOST']}:{params['PORT']}/{params['NAME']}"


@pytest.fixture(scope="module")
def servers(django_db_setup, tmp_path_factory):
    """Server 1: `serve --workers 2` (gunicorn); server 2: `serve` (waitress). Same database
    and secret key, each its own data folder."""
    if connection.vendor != "postgresql":
        pytest.skip("several servers on one database: PostgreSQL")
    key = secrets.token_urlsafe(50)
    started = []
    for n, workers in ((1, 2), (2, 1)):
        folder = tmp_path_factory.mktemp(f"serveur-{n}")
        env = {
            **os.environ,
            "RECOUVREMENT_DATABASE_URL": database_url(),
            "RECOUVREMENT_DATA_DIR": str(folder),
            "RECOUVREMENT_SECRET_KEY": key,
            "PYTHONUNBUFFERED": "1",
        }
        started.append(Server(env, folder / "serve.log", workers))
    try:
        for server in started:
            server.wait_until_ready()
        yield started
    finally:
        for server in started:  # both stop at once
            server.process.terminate()
        for server in started:
            server.stop()


def with_password(user: User) -> User:
    """The servers know PBKDF2, not the tests' fast hasher: a PBKDF2 hash of few rounds."""
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, uuid.uuid4().hex, iterations=1000)
    user.save(update_fields=["password"])
    return user


def multipart(fields: dict[str, str], name: str, filename: str, content: bytes) -> tuple:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
        f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def test_a_document_attached_through_one_server_is_served_by_the_other(servers, team):
    first, second = servers
    sophie = with_password(team.collector_user)
    dossier = a_dossier(
        a_customer(team.company), collector=team.collector, scenario=a_scenario(team.company)
    )
    intervention = dossier.interventions.get()
    attach = reverse("intervention_attach", args=[intervention.pk])
    document = reverse("intervention_document", args=[intervention.pk])
    on_first, on_second = HttpSession(first.port), HttpSession(second.port)

    logged_in_first = on_first.log_in(sophie.username, PASSWORD)[0]
    body, headers = multipart(
        {"csrfmiddlewaretoken": on_first.csrf_token(attach)}, "document", "accusé.pdf", PDF
    )
    attached = on_first.request("POST", attach, body, headers)[0]
    logged_in_second = on_second.log_in(sophie.username, PASSWORD)[0]
    served, content = on_second.get(document)

    assert (logged_in_first, attached, logged_in_second) == (302, 302, 302)
    assert AttachedDocument.objects.get(intervention=intervention).original_name == "accusé.pdf"
    assert served == 200, content[:500]
    assert content == PDF


def test_a_login_throttled_on_one_server_is_throttled_on_the_other(servers, team):
    first, second = servers
    karim = with_password(team.other_collector_user)
    on_first, on_second = HttpSession(first.port), HttpSession(second.port)

    failures = [on_first.log_in(karim.username, "mauvais-mot-de-passe")[0] for _ in range(5)]
    status, page = on_second.log_in(karim.username, PASSWORD)
    after, _ = on_second.get(reverse("dossier_list"))

    assert failures[:4] == [200] * 4  # the form again, with its error
    assert status == 429
    assert lockout_message() in page.decode()
    assert after == 302  # not logged in: the login page


FORK_CHECK = """
import os
from recouvrement.cli.base import setup
setup()
from django.db import connection
from recouvrement.cli.serve import close_database_connections

def backend():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]

parent = backend()
assert connection.pool is not None  # the settings' pool (CONN_MAX_AGE 0)
close_database_connections()
read, write = os.pipe()
child = os.fork()
if child == 0:
    try:
        inherited = connection.connection is not None
        os.write(write, f"{backend()} {inherited}".encode())
        close_database_connections()
    finally:
        os._exit(0)
os.close(write)
os.waitpid(child, 0)
pid, inherited = os.read(read, 100).decode().split()
print(parent, pid, inherited, backend())
"""


def test_a_forked_worker_opens_its_own_connections():
    """What `serve --workers N` does before gunicorn forks, in a process of its own as
    `serve` is: nothing of the parent's pool is inherited; the child's first query opens a
    new pool and a new server connection."""
    if connection.vendor != "postgresql":
        pytest.skip("psycopg's pool: PostgreSQL")
    env = {**os.environ, "RECOUVREMENT_DATABASE_URL": database_url()}
    result = subprocess.run(
        [sys.executable, "-c", FORK_CHECK], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    parent, child, inherited, parent_again = result.stdout.split()

    assert inherited == "False"
    assert child not in (parent, parent_again)
