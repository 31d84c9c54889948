"""One failure never blocks the others (issue 11 §5): `recouvrement letters`, `prepare`, the
print window and the worklist's « Exécuter » leave out a dossier that cannot be computed (a
legal rate not entered, no postal address), say which and why in French, and print the rest."""

import html
import json
import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from recouvrement import cli, services
from recouvrement.db.models import Intervention, JournalEntry, PrintBatch
from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus
from tests.builders import a_contact, a_customer, a_dossier, a_receivable, a_scenario

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

# The legal rate of the 2nd semester 2027 is not published (nor seeded): a consumer's legal
# interest after a mise en demeure of that semester cannot be computed.
OPENED = date(2027, 6, 1)
NOTICE = date(2027, 7, 15)
TODAY = date(2027, 9, 15)
LETTER_STEPS = [(0, ActionType.LETTER, "Courrier de relance")]
MISSING_RATE = "du 2e semestre 2027 n'est pas connu"
NO_ADDRESS = "n'a pas d'adresse postale"


def text_of(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def a_letter_dossier(team, name, kind=CustomerKind.B2B, steps=LETTER_STEPS, **customer):
    address = {"address": "3 rue Mercière", "postal_code": "69002", "city": "Lyon"}
    customer = a_customer(team.company, kind=kind, name=name, **{**address, **customer})
    a_contact(customer)
    return a_dossier(
        customer,
        today=OPENED,
        scenario=a_scenario(team.company, steps=steps),
        collector=team.collector,
        receivables=[a_receivable(customer, "1234.56", date(2027, 5, 1))],
    )


def given_formal_notice(dossier, on: date = NOTICE) -> Intervention:
    """A mise en demeure already sent: a consumer owes legal interest from the day after."""
    return Intervention.objects.create(
        dossier=dossier,
        company=dossier.company,
        kind=InterventionKind.MANUAL,
        action_type=ActionType.FORMAL_NOTICE,
        label="Mise en demeure",
        planned_date=on,
        status=InterventionStatus.DONE,
        done_date=on,
    )


@pytest.fixture
def three_letters(team):
    """A letter that prints, one whose legal interest needs a rate not entered, one to a
    customer without any postal address."""
    printable = a_letter_dossier(team, "Boulangerie Martin")
    consumer = a_letter_dossier(team, "Jeanne Petit", kind=CustomerKind.B2C)
    given_formal_notice(consumer)
    nowhere = a_letter_dossier(team, "Sans Adresse SARL", address="", postal_code="", city="")
    return printable, consumer, nowhere


def letter_of(dossier) -> Intervention:
    return dossier.interventions.get(action_type=ActionType.LETTER)


def test_letters_prints_the_others_and_lists_each_dossier_left_out(
    team, three_letters, capsys, tmp_path
):
    printable, consumer, nowhere = three_letters
    out = tmp_path / "courriers.pdf"

    code = cli.main(["letters", "--date", TODAY.isoformat(), "--out", str(out), "--json"])

    output = capsys.readouterr().out
    assert code == 0
    summary = last_json(output)
    assert summary["printed"] == 1
    skipped = {row["dossier"]: row["reason"] for row in summary["skipped"]}
    assert set(skipped) == {consumer.number, nowhere.number}
    assert MISSING_RATE in skipped[consumer.number]
    assert "Structure › Taux" in skipped[consumer.number]
    assert NO_ADDRESS in skipped[nowhere.number]
    assert f"Dossier {consumer.number} non imprimé : " in output
    assert f"Dossier {nowhere.number} non imprimé : " in output
    text = text_of(out.read_bytes())
    assert "Boulangerie Martin" in text
    assert "Jeanne Petit" not in text and "Sans Adresse" not in text
    assert letter_of(printable).status == InterventionStatus.DONE
    assert letter_of(consumer).status == InterventionStatus.TODO
    assert letter_of(nowhere).status == InterventionStatus.TODO


def test_letters_with_every_letter_left_out_prints_no_pdf_and_still_exits_0(team, capsys, tmp_path):
    nowhere = a_letter_dossier(team, "Sans Adresse SARL", address="", postal_code="", city="")
    out = tmp_path / "courriers.pdf"

    code = cli.main(["letters", "--date", TODAY.isoformat(), "--out", str(out), "--json"])

    summary = last_json(capsys.readouterr().out)
    assert code == 0
    assert summary["printed"] == 0
    assert [row["dossier"] for row in summary["skipped"]] == [nowhere.number]
    assert not out.exists()
    assert not PrintBatch.objects.exists()


def test_the_print_window_says_why_and_never_fails(client, team, three_letters, monkeypatch):
    _, consumer, nowhere = three_letters
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    client.force_login(team.collector_user)

    for dossier, reason in ((consumer, MISSING_RATE), (nowhere, NO_ADDRESS)):
        letter = letter_of(dossier)
        window = client.get(reverse("intervention_print", args=[letter.pk]))
        printed = client.post(reverse("intervention_print", args=[letter.pk]), follow=True)

        assert window.status_code == 200
        page = html.unescape(window.content.decode())
        assert f"Dossier {dossier.number} non imprimé" in page and reason in page
        assert ">Imprimer</button>" not in page
        assert printed.status_code == 200
        messages = [str(m) for m in printed.context["messages"]]
        assert any(dossier.number in m and reason in m for m in messages)
        letter.refresh_from_db()
        assert letter.status == InterventionStatus.TODO
    assert not PrintBatch.objects.exists()


def test_executer_on_the_worklist_prints_the_others_and_names_each_one_left_out(
    client, team, three_letters, monkeypatch
):
    printable, consumer, nowhere = three_letters
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    client.force_login(team.collector_user)
    ids = [letter_of(d).pk for d in three_letters]

    response = client.post(reverse("worklist_batch"), {"action": "executer", "ids": ids})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert "Boulangerie Martin" in text and "Jeanne Petit" not in text
    summary = client.get(reverse("worklist")).context["batch"].summary
    assert summary.line == "1 courrier imprimé, 2 actions refusées"
    assert any(consumer.number in line and MISSING_RATE in line for line in summary.refused)
    assert any(nowhere.number in line and NO_ADDRESS in line for line in summary.refused)
    assert letter_of(printable).status == InterventionStatus.DONE
    assert letter_of(consumer).status == InterventionStatus.TODO


def test_executer_with_only_letters_left_out_reports_them_and_prints_nothing(
    client, team, three_letters, monkeypatch
):
    _, consumer, nowhere = three_letters
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    client.force_login(team.collector_user)
    ids = [letter_of(consumer).pk, letter_of(nowhere).pk]

    response = client.post(
        reverse("worklist_batch"), {"action": "executer", "ids": ids}, follow=True
    )

    assert response.status_code == 200
    summary = response.context["batch"].summary
    assert summary.line == "2 actions refusées"
    assert any(consumer.number in line and MISSING_RATE in line for line in summary.refused)
    assert any(nowhere.number in line and NO_ADDRESS in line for line in summary.refused)
    assert not PrintBatch.objects.exists()


def test_prepare_creates_every_due_step_and_lists_the_penalties_it_could_not_compute(team, capsys):
    steps = [(0, ActionType.LETTER, "Courrier de relance"), (30, ActionType.FORMAL_NOTICE, "MED")]
    professional = a_letter_dossier(team, "Boulangerie Martin", steps=steps)
    consumer = a_letter_dossier(team, "Jeanne Petit", kind=CustomerKind.B2C, steps=steps)
    for dossier in (professional, consumer):
        dossier.scenario.steps.update(compute_penalties=True)
        services.set_intervention_status(
            letter_of(dossier), InterventionStatus.DONE, today=OPENED, user=None
        )
    given_formal_notice(consumer)

    code = cli.main(["prepare", "--date", TODAY.isoformat(), "--json"])

    output = capsys.readouterr().out
    summary = last_json(output)
    assert code == 0
    assert summary["created"] == 2  # the step is there; its penalties are not
    [skipped] = summary["skipped"]
    assert skipped["dossier"] == consumer.number
    assert skipped["reason"].startswith("Pénalités non calculées : ")
    assert MISSING_RATE in skipped["reason"]
    assert f"Dossier {consumer.number} : Pénalités non calculées" in output
    notice = consumer.interventions.get(label="MED")
    assert notice.status == InterventionStatus.TODO
    assert JournalEntry.objects.filter(
        dossier=consumer, action="penalties_not_computed", intervention_id=notice.pk
    ).exists()
    assert professional.interventions.get(label="MED").penalty_amount > 0
