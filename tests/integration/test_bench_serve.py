"""`bench --only serve`'s load client and figures (issue 16 §4), against the test server:
logged-in keep-alive sessions, every request counted, the percentiles as the bench prints them.
(The bench's own servers, `serve --workers N` in child processes, are run by the bench itself
and by tests/integration/test_two_servers.py.)"""

from datetime import date
from urllib.parse import urlparse

import pytest
from django.urls import reverse

from recouvrement.bench import serve
from recouvrement.db.models import Dossier
from tests.builders import a_customer, a_dossier, a_scenario

TODAY = date(2026, 11, 27)


def test_the_percentiles_are_nearest_rank():
    times = [n / 1000 for n in range(1, 101)]  # 1 ms … 100 ms

    assert serve._percentile_ms(times, 50) == 50.0
    assert serve._percentile_ms(times, 95) == 95.0
    assert serve._percentile_ms(times, 99) == 99.0
    assert serve._percentile_ms([0.0123], 99) == 12.3
    assert serve._percentile_ms([], 50) is None


def test_the_load_client_logs_in_then_counts_every_page_without_error(live_server, team):
    from django.contrib.auth.models import User

    team.manager.set_password(serve.PASSWORD)
    team.manager.save()
    User.objects.filter(pk=team.collector_user.pk).update(password=team.manager.password)
    a_dossier(a_customer(team.company), collector=team.collector, scenario=a_scenario(team.company))
    port = urlparse(live_server.url).port
    paths = serve.page_paths(team.company, TODAY)
    sessions = [serve.HttpSession(port), serve.HttpSession(port)]
    logins = [
        sessions[0].log_in(team.manager.username, serve.PASSWORD),
        sessions[1].log_in(team.collector_user.username, serve.PASSWORD),
    ]
    stranger = serve.HttpSession(port)

    server_cpu = iter([10.0, 10.5]).__next__  # the server's CPU seconds, before and after
    # Two seconds: on a loaded machine one page of the test server may take more than one.
    figures = serve.drive(sessions, paths, seconds=2, warm_up=0.2, server_cpu=server_cpu)
    refused = serve.drive([stranger], [reverse("dossier_list")], seconds=0.3, warm_up=0)

    assert [status for status, _ in logins] == [302, 302]
    assert paths[:3] == [
        reverse("dossier_list"),
        reverse("dossier_detail", args=[Dossier.objects.get().pk]),
        f"{reverse('worklist')}?jusqu_au=2026-11-27",
    ]
    assert set(figures) == {
        "requests",
        "requests_per_s",
        "p50_ms",
        "p95_ms",
        "p99_ms",
        "errors",
        "first_errors",
        "client_cpu_percent",
        "server_cpu_ms_per_request",
    }
    assert figures["errors"] == 0, figures["first_errors"]
    assert figures["requests"] >= 1
    assert figures["requests_per_s"] == pytest.approx(figures["requests"] / 2, abs=0.1)
    assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
    assert figures["server_cpu_ms_per_request"] == round(500 / figures["requests"], 1)
    # Not logged in: the login page's redirect is an error, named with its path.
    assert refused["errors"] == refused["requests"] >= 1
    assert refused["first_errors"][0] == f"302 {reverse('dossier_list')}"
