"""« Gestion des actions » rows (§2): the number to call on « Téléphone » steps, the alert's
message and the promise's amount and date on their row, read without a query per row."""

import re
from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recouvrement import services
from recouvrement.domain.statuses import ActionType, InterventionKind
from tests.builders import a_contact, a_customer, a_dossier, a_receivable

TODAY = timezone.localdate()
OPENED = TODAY - timedelta(days=20)


def _dossier(team, customer=None, contact=None):
    customer = customer or a_customer(team.company)
    return a_dossier(
        customer,
        today=OPENED,
        user=team.manager,
        collector=team.collector,
        contact=contact,
        receivables=[a_receivable(customer)],
    )


def _action(dossier, user, label: str, kind=InterventionKind.MANUAL, **fields):
    return services.create_intervention(
        dossier,
        kind,
        today=OPENED,
        user=user,
        planned_date=fields.pop("planned_date", TODAY - timedelta(days=1)),
        label=label,
        **fields,
    )


def _row(page: str, text: str) -> str:
    """The table row (`<tr>…</tr>`) showing `text`."""
    rows = re.findall(r"<tr>.*?</tr>", page.split("<tbody>", 1)[1], flags=re.S)
    found = [row for row in rows if text in row]
    assert len(found) == 1, f"{text!r}: {len(found)} rows"
    return found[0]


def _worklist(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("worklist"), {"charge": "tous"}).content.decode()


def test_a_phone_step_shows_the_contacts_number_else_the_customers_as_a_tel_link(client, team):
    with_contact = a_customer(team.company, phone="01 23 45 67 89")
    contact = a_contact(with_contact, last_name="Morel", phone="04 78 42 17 30")
    without_contact = a_customer(team.company, phone="06.12.34.56.78")
    no_phone = a_customer(team.company)
    _action(
        _dossier(team, with_contact, contact),
        team.manager,
        "Appeler Mme Morel",
        action_type=ActionType.PHONE,
    )
    _action(
        _dossier(team, without_contact),
        team.manager,
        "Appeler le standard",
        action_type=ActionType.PHONE,
    )
    _action(
        _dossier(team, no_phone), team.manager, "Appeler sans numéro", action_type=ActionType.PHONE
    )
    _action(
        _dossier(team, with_contact),
        team.manager,
        "Écrire un courrier",
        action_type=ActionType.LETTER,
    )

    page = _worklist(client, team.collector_user)

    contact_row = _row(page, "Appeler Mme Morel")
    assert '<a href="tel:0478421730">04 78 42 17 30</a>' in contact_row
    assert "Morel" in contact_row and "tel:0123456789" not in contact_row
    assert '<a href="tel:0612345678">06.12.34.56.78</a>' in _row(page, "Appeler le standard")
    assert "Aucun numéro de téléphone" in _row(page, "Appeler sans numéro")
    assert "tel:" not in _row(page, "Écrire un courrier")


def test_an_alert_row_shows_its_message_not_alerte_twice(client, team):
    dossier = _dossier(team)
    _action(
        dossier,
        team.manager,
        "",
        kind=InterventionKind.ALERT,
        comment="Rappeler M. Roux pour le chèque",
    )
    _action(
        dossier,
        team.manager,
        "Litige à vérifier",
        kind=InterventionKind.ALERT,
        comment="Voir le bon de livraison 114",
    )

    page = _worklist(client, team.collector_user)

    plain = _row(page, "Rappeler M. Roux pour le chèque")
    cells = re.findall(r"<td[^>]*>(.*?)</td>", plain, flags=re.S)
    step = next(cell for cell in cells if "Rappeler M. Roux" in cell)
    assert "Alerte" not in step  # the Type column says « Alerte », the step says what to do
    titled = _row(page, "Litige à vérifier")
    assert "Voir le bon de livraison 114" in titled


def test_a_promise_row_shows_the_promised_amount_and_date(client, team):
    dossier = _dossier(team)
    due = TODAY - timedelta(days=2)
    _action(
        dossier,
        team.manager,
        "Promesse du gérant",
        kind=InterventionKind.PROMISE,
        promise_amount=Decimal("1500.00"),
        planned_date=due,
        comment="Virement annoncé",
    )

    page = _worklist(client, team.collector_user)

    row = _row(page, "Promesse du gérant")
    assert f"1\u202f500,00\u00a0€ promis pour le {due:%d/%m/%Y}" in row
    assert "Virement annoncé" in row


def _actions(team, count: int) -> None:
    """`count` rows « A faire »: calls on dossiers with a contact, alerts and promises."""
    for n in range(count):
        customer = a_customer(team.company, phone=f"04 78 00 {n // 100:02d} {n % 100:02d}")
        contact = a_contact(customer, phone=f"06 00 00 {n // 100:02d} {n % 100:02d}")
        dossier = _dossier(team, customer, contact if n % 2 else None)
        match n % 3:
            case 0:
                _action(dossier, team.manager, f"Appel {n}", action_type=ActionType.PHONE)
            case 1:
                _action(
                    dossier, team.manager, "", kind=InterventionKind.ALERT, comment=f"Message {n}"
                )
            case _:
                _action(
                    dossier,
                    team.manager,
                    f"Promesse {n}",
                    kind=InterventionKind.PROMISE,
                    promise_amount=Decimal("100.00") + n,
                )


def _queries(client, user) -> tuple[int, str]:
    client.force_login(user)
    client.get(reverse("worklist"))  # the session's first request reads more (its login)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("worklist"), {"charge": "tous"}).content.decode()
    return len(queries.captured_queries), page


def test_the_rows_phone_and_message_are_read_without_a_query_per_row(client, team):
    _actions(team, 5)
    few, _ = _queries(client, team.collector_user)
    _actions(team, 45)

    many, page = _queries(client, team.collector_user)

    assert page.count('href="tel:') == 17  # the 50 rows' calls (n % 3 == 0), with their number
    assert page.count("promis pour le") == 16 and "Message 43" in page
    assert many == few <= 10, f"{few} queries for 5 rows, {many} for 50"
