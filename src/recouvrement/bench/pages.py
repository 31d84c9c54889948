"""Server time of the pages with a budget (PRODUCT §7), through Django's test client."""

import statistics
import time
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from recouvrement.db.models import (
    Collaborator,
    Company,
    Customer,
    Dossier,
    DossierReceivable,
    Intervention,
    Membership,
    Receivable,
)
from recouvrement.domain.numbering import dossier_number
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus, Role
from recouvrement.services.queue import queue_fields

RUNS = 7
INTERVENTIONS_ON_THE_DOSSIER = 50


def manager_client(company: Company) -> Client:
    user = User.objects.create_user("banc-responsable")
    Membership.objects.create(user=user, company=company, role=Role.MANAGER)
    # A host the settings allow, so that no test-environment set-up changes what is measured.
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def _dossier_with_interventions(company: Company, today: date, number: int) -> Dossier:
    """One open dossier with 50 interventions, built in bulk the way bench.data builds them."""
    started = today - timedelta(days=200)
    customer = Customer.objects.filter(company=company).order_by("pk").first()
    dossier = Dossier.objects.create(
        company=company,
        number=dossier_number(started.year, number),
        customer=customer,
        start_date=started,
        priority=1,
        collector=Collaborator.objects.filter(company=company).order_by("pk").first(),
    )
    receivables = Receivable.objects.bulk_create(
        Receivable(
            company=company,
            customer=customer,
            reference=f"FA{dossier.number}-{k}",
            piece_date=started - timedelta(days=60),
            due_date=started - timedelta(days=30),
            amount=Decimal("1234.56"),
            open_amount=Decimal("1234.56"),
        )
        for k in range(5)
    )
    DossierReceivable.objects.bulk_create(
        DossierReceivable(dossier=dossier, receivable=r) for r in receivables
    )
    Intervention.objects.bulk_create(
        Intervention(
            dossier=dossier,
            **queue_fields(dossier),
            kind=InterventionKind.MANUAL,
            status=InterventionStatus.DONE if k % 10 else InterventionStatus.TODO,
            action_type=ActionType.PHONE,
            label=f"Appel {k}",
            comment="Rappeler le service comptable",
            planned_date=started + timedelta(days=3 * k),
            done_date=started + timedelta(days=3 * k) if k % 10 else None,
        )
        for k in range(INTERVENTIONS_ON_THE_DOSSIER)
    )
    return dossier


def _median_ms(client: Client, url: str, params: dict) -> tuple[float, float]:
    response = client.get(url, params)  # warm-up, as a running server is
    if response.status_code != 200:
        raise RuntimeError(f"{url} a répondu {response.status_code}.")
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(url, params)
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 1), round(max(times) * 1000, 1)


def run(
    company: Company, engine: str, today: date, dossiers: int, interventions: int
) -> Iterator[dict]:
    """The worklist's first page, the dashboard and a dossier page with 50 interventions, in
    server time."""
    client = manager_client(company)
    median, worst = _median_ms(client, reverse("worklist"), {"jusqu_au": today.isoformat()})
    yield {
        "bench": "page_worklist_first_page",
        "engine": engine,
        "sort": "priority,collector",
        "interventions": interventions,
        "median_ms": median,
        "max_ms": worst,
        "budget_ms": 50,
    }
    # The manager's landing page as opened (today's figures), before the extra dossier below.
    median, worst = _median_ms(client, reverse("dashboard"), {})
    yield {
        "bench": "page_dashboard",
        "engine": engine,
        "dossiers": dossiers,
        "median_ms": median,
        "max_ms": worst,
        "budget_ms": 300,
    }
    dossier = _dossier_with_interventions(company, today, dossiers + 1)
    median, worst = _median_ms(client, reverse("dossier_detail", args=[dossier.pk]), {})
    yield {
        "bench": "page_dossier",
        "engine": engine,
        "interventions_on_the_dossier": INTERVENTIONS_ON_THE_DOSSIER,
        "interventions": interventions + INTERVENTIONS_ON_THE_DOSSIER,
        "median_ms": median,
        "max_ms": worst,
        "budget_ms": 50,
    }
