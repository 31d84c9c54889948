"""« Modifier le dossier » and « Clore le dossier » through the pages (issue 13 §1, M7)."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from recouvrement.db.models import DisputeReason, Resolution
from recouvrement.domain.statuses import DossierStatus, InterventionStatus
from recouvrement.services.dossier_changes import SCENARIO_RULE
from tests.builders import a_customer, a_dossier, a_receivable, a_scenario

EDIT, CLOSE = "Modifier le dossier", "Clore le dossier"


@pytest.fixture
def dossier(team):
    customer = a_customer(team.company, name="Boulangerie Durand")
    return a_dossier(
        customer, user=team.manager, collector=team.collector, scenario=a_scenario(team.company)
    )


def posted(dossier, **overrides) -> dict:
    """What the edit form posts when nothing is touched, with `overrides`."""
    data = {
        "priority": dossier.priority,
        "status": dossier.status,
        "collector": dossier.collector_id or "",
        "contact": dossier.contact_id or "",
        "scenario": dossier.scenario_id or "",
        "dispute_reason": dossier.dispute_reason_id or "",
        "summary": dossier.summary,
        "comment": dossier.comment,
    }
    return {**data, **overrides}


def page(client, dossier) -> str:
    return unescape(client.get(reverse("dossier_detail", args=[dossier.pk])).content.decode())


def test_the_dossier_page_offers_edit_and_closure_to_who_may_change_it(client, team, dossier):
    for user, offered in [
        (team.collector_user, True),
        (team.manager, True),
        (team.other_collector_user, False),
        (team.reader, False),
    ]:
        client.force_login(user)
        html = page(client, dossier)
        assert (EDIT in html, CLOSE in html) == (offered, offered), user


def test_a_collector_edits_their_own_dossier(client, team, dossier):
    free = a_receivable(dossier.customer, amount="1234.50")
    reason = DisputeReason.objects.create(company=team.company, label="Livraison incomplète")
    client.force_login(team.collector_user)
    url = reverse("dossier_edit", args=[dossier.pk])

    form = client.get(url)
    assert form.status_code == 200
    html = unescape(form.content.decode())
    assert free.reference in html and "1\u202f234,50\u00a0€" in html
    assert SCENARIO_RULE.split(" ; ")[0] in html
    assert "Retirer" in html

    response = client.post(
        url,
        posted(
            dossier,
            priority=1,
            dispute_reason=reason.pk,
            status=DossierStatus.LITIGATION.value,
            summary="  Attend un avoir  ",
            add=[free.pk],
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dossier_detail", args=[dossier.pk])
    dossier.refresh_from_db()
    assert (dossier.priority, dossier.dispute_reason, dossier.status, dossier.summary) == (
        1,
        reason,
        DossierStatus.LITIGATION,
        "Attend un avoir",
    )
    assert free in dossier.receivables.all()
    html = page(client, dossier)
    assert "Dossier modifié : priorité 3 → 1" in html  # the message and the history
    assert "Livraison incomplète" in html


def test_a_collector_cannot_edit_another_collectors_dossier(client, team, dossier):
    client.force_login(team.other_collector_user)
    url = reverse("dossier_edit", args=[dossier.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, posted(dossier, priority=1)).status_code == 403
    assert client.get(reverse("dossier_closure", args=[dossier.pk])).status_code == 403
    dossier.refresh_from_db()
    assert dossier.priority == 3


def test_consultation_gets_403(client, team, dossier):
    client.force_login(team.reader)

    assert client.get(reverse("dossier_edit", args=[dossier.pk])).status_code == 403
    assert client.post(reverse("dossier_closure", args=[dossier.pk])).status_code == 403


def test_a_manager_changes_the_charge(client, team, dossier):
    client.force_login(team.manager)

    response = client.post(
        reverse("dossier_edit", args=[dossier.pk]),
        posted(dossier, collector=team.other_collector.pk),
    )

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.collector == team.other_collector
    assert dossier.interventions.get(status=InterventionStatus.TODO).queue_collector_id == (
        team.other_collector.pk
    )


def test_a_collector_posting_another_charge_changes_nothing_of_it(client, team, dossier):
    client.force_login(team.collector_user)

    client.post(
        reverse("dossier_edit", args=[dossier.pk]),
        posted(dossier, collector=team.other_collector.pk, priority=2),
    )

    dossier.refresh_from_db()
    assert (dossier.collector, dossier.priority) == (team.collector, 2)


def test_a_new_scenario_skips_the_pending_step(client, team, dossier):
    other = a_scenario(team.company, name="Grands comptes")
    client.force_login(team.manager)

    client.post(reverse("dossier_edit", args=[dossier.pk]), posted(dossier, scenario=other.pk))

    statuses = list(dossier.interventions.order_by("id").values_list("status", "step__scenario"))
    assert statuses == [
        (InterventionStatus.SKIPPED, dossier.scenario_id),
        (InterventionStatus.TODO, other.pk),
    ]


def test_removing_the_last_echeance_answers_a_french_error(client, team, dossier):
    only = dossier.receivables.get()
    client.force_login(team.collector_user)

    response = client.post(
        reverse("dossier_edit", args=[dossier.pk]), posted(dossier, remove=[only.pk])
    )

    assert response.status_code == 200
    assert "Un dossier garde au moins une échéance" in unescape(response.content.decode())
    assert list(dossier.receivables.all()) == [only]


@pytest.mark.parametrize(
    "bad",
    [
        {"priority": "abc"},
        {"status": "closed"},
        {"contact": "99999999999999999999"},
        {"scenario": "-1"},
        {"add": ["abc"]},
        {"remove": [str(2**63)]},
        {"summary": "x" * 5000},
        {"comment": "a\x07b"},
    ],
)
def test_bad_input_answers_a_french_error_not_500(client, team, dossier, bad):
    client.force_login(team.manager)

    response = client.post(reverse("dossier_edit", args=[dossier.pk]), posted(dossier, **bad))

    assert response.status_code == 200
    assert 'class="alert alert-error"' in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.summary == ""


def test_closure_with_a_resolution_closes_the_dossier_and_shows_it(client, team, dossier):
    resolution = Resolution.objects.create(company=team.company, label="Payé intégralement")
    client.force_login(team.collector_user)
    url = reverse("dossier_closure", args=[dossier.pk])

    html = client.get(url).content.decode()
    assert "Les actions « A faire » deviennent « Ignorée », les échéances sont libérées" in html
    assert "1 action « A faire » et 1 échéance" in html

    response = client.post(url, {"resolution": resolution.pk, "result": "Réglé par virement"})

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.CLOSED
    assert dossier.end_date == timezone.localdate()
    assert (dossier.resolution, dossier.result) == (resolution, "Réglé par virement")
    assert not dossier.interventions.filter(status=InterventionStatus.TODO).exists()
    html = page(client, dossier)
    assert "Clos" in html and "Payé intégralement" in html
    assert EDIT not in html and CLOSE not in html


def test_closure_requires_a_resolution_from_the_list(client, team, dossier):
    Resolution.objects.create(company=team.company, label="Irrécouvrable")
    client.force_login(team.manager)

    response = client.post(reverse("dossier_closure", args=[dossier.pk]), {"resolution": "abc"})

    assert response.status_code == 200
    assert "Résolution :" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.OPEN


def test_a_closed_dossier_is_neither_edited_nor_closed_again(client, team, dossier):
    client.force_login(team.manager)
    client.post(reverse("dossier_closure", args=[dossier.pk]), {"result": "Sans suite"})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.CLOSED

    for name in ("dossier_edit", "dossier_closure"):
        response = client.post(reverse(name, args=[dossier.pk]), posted(dossier), follow=True)
        assert "Le dossier est clos : il ne peut plus être modifié." in unescape(
            response.content.decode()
        )
    dossier.refresh_from_db()
    assert dossier.result == "Sans suite"
