"""The API's description (issue 14 §3): /api/v1/openapi.json is a valid OpenAPI 3 document,
and a property-based run of every operation from it (schemathesis) finds no 500 and no
response that departs from the schema — on a small company, as its manager."""

import io
from pathlib import Path

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as run_settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from recouvrement.db.models import Intervention, Resolution
from recouvrement.services.api_tokens import create_token
from recouvrement.services.import_files import store_accounting_file
from tests.builders import a_contact, a_customer, a_dossier, a_receivable, a_scenario

SCHEMA = "/api/v1/openapi.json"
CHECKS = [not_a_server_error, response_schema_conformance]
# Examples per operation: generated ids (mostly unknown: 404), then the data set's real ids.
GENERATED, ON_REAL_IDS = 10, 6
FEC = Path(__file__).parent.parent / "data" / "fec_real_books.txt"


def test_the_description_is_valid_openapi(client):
    response = client.get(SCHEMA)
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/dossiers/",
        "/api/v1/dossiers/{dossier_id}/",
        "/api/v1/dossiers/{dossier_id}/prepare-next/",
        "/api/v1/interventions/",
        "/api/v1/interventions/{intervention_id}/status/",
        "/api/v1/imports/",
        "/api/v1/imports/{import_id}/apply/",
        "/api/v1/reports/aged-balance/",
        "/api/v1/reports/dso/",
        "/api/v1/worklist/",
    ):
        assert path in paths, path


@pytest.fixture
def wsgi_app():
    """Django's WSGI application in the test's transaction: like the test client, requests
    must not close the connection at their end (PostgreSQL would lose the test's data)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def data_set(team, settings, tmp_path):
    """Two dossiers (one with a scenario, a contact, a free échéance), a FEC uploaded, the
    manager's token."""
    settings.MEDIA_ROOT = tmp_path / "documents"
    settings.RECOUVREMENT_API_RATE_PER_MINUTE = 100_000
    customer = a_customer(team.company, name="Boulangerie Durand")
    contact = a_contact(customer)
    a_receivable(customer, amount="300.00")
    own = a_dossier(
        customer, collector=team.collector, scenario=a_scenario(team.company), contact=contact
    )
    a_dossier(a_customer(team.company), collector=team.other_collector)
    Resolution.objects.get_or_create(company=team.company, label="Payé")
    step = Intervention.objects.filter(dossier=own).first()
    upload = store_accounting_file(
        team.company, team.manager, io.BytesIO(FEC.read_bytes()), name="fec.txt"
    )
    return {
        "dossier_id": own.pk,
        "intervention_id": step.pk,
        "customer_id": customer.pk,
        "contact_id": contact.pk,
        "import_id": upload.pk,
        "token": create_token(team.manager, name="schemathesis")[1],
    }


def test_schemathesis_finds_no_server_error_and_no_answer_off_the_schema(wsgi_app, data_set):
    schema = schemathesis.openapi.from_wsgi(SCHEMA, wsgi_app)
    headers = {"Authorization": f"Bearer {data_set['token']}"}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {p.name for p in operation.path_parameters}
        real = {name: value for name, value in data_set.items() if name in names}
        runs = [(GENERATED, None)] + ([(ON_REAL_IDS, real)] if real else [])
        for examples, path_parameters in runs:
            try:
                _run(operation, headers, examples, path_parameters)
            # Every operation is tried and every failure told (schemathesis' FailureGroup is
            # a BaseExceptionGroup).
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{operation.label} {path_parameters}: {error}")
    assert not failures, "\n\n".join(failures)


def _run(operation, headers: dict, examples: int, path_parameters: dict | None) -> None:
    strategy = operation.as_strategy(headers=headers, path_parameters=path_parameters)

    @given(case=strategy)
    @run_settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()
