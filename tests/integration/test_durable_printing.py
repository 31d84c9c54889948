"""Durable printing (§8, issue 12 §5): the PDF is on disk before the letters are « Réalisée »,
and a kept print batch is emitted again byte for byte (command line and print window)."""

import errno
import hashlib
import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from recouvrement import cli
from recouvrement.cli import daily
from recouvrement.db.models import Intervention, JournalEntry, PrintBatch
from recouvrement.domain.statuses import ActionType, InterventionStatus, Role
from recouvrement.services import print_batches
from recouvrement.services.letters import print_due_letters
from tests.builders import (
    a_company,
    a_contact,
    a_customer,
    a_dossier,
    a_receivable,
    a_scenario,
    a_user,
)

OPENED = date(2026, 10, 1)
TODAY = "2026-10-20"
LETTER_STEPS = [(0, ActionType.LETTER, "Courrier de relance")]


@pytest.fixture
def letters_due(team) -> list[Intervention]:
    """Three letters « A faire » due by TODAY."""
    scenario = a_scenario(team.company, steps=LETTER_STEPS)
    interventions = []
    for name in ("Boulangerie Martin", "Garage Petit", "Atelier Roux"):
        customer = a_customer(team.company, name=name, address="3 rue Mercière")
        a_contact(customer)
        dossier = a_dossier(
            customer,
            today=OPENED,
            scenario=scenario,
            collector=team.collector,
            receivables=[a_receivable(customer, "1234.56", date(2026, 9, 1))],
        )
        interventions.append(dossier.interventions.get())
    return interventions


def statuses(interventions) -> set[str]:
    return set(
        Intervention.objects.filter(pk__in=[i.pk for i in interventions]).values_list(
            "status", flat=True
        )
    )


def letters(*args: str) -> int:
    return cli.main(["letters", "--date", TODAY, *args])


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_out_into_a_missing_folder_marks_nothing_and_a_rerun_prints_them_all(
    letters_due, tmp_path, capsys
):
    code = letters("--out", str(tmp_path / "absent" / "courriers.pdf"), "--json")

    error = capsys.readouterr().err
    assert code == 2
    assert "Erreur : Le dossier" in error and "n'existe pas. Aucun courrier imprimé." in error
    assert "Traceback" not in error
    assert statuses(letters_due) == {InterventionStatus.TODO}
    assert not PrintBatch.objects.exists()

    out = tmp_path / "courriers.pdf"
    assert letters("--out", str(out), "--json") == 0

    summary = last_json(capsys.readouterr().out)
    assert summary["printed"] == 3
    assert statuses(letters_due) == {InterventionStatus.DONE}
    assert out.read_bytes() == bytes(PrintBatch.objects.get().pdf)
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left beside it


def test_a_pdf_that_cannot_be_written_after_rendering_marks_nothing(
    letters_due, tmp_path, capsys, monkeypatch
):
    def disk_full(path, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(daily, "write_durably", disk_full)

    code = letters("--out", str(tmp_path / "courriers.pdf"))

    error = capsys.readouterr().err
    assert code == 2
    assert "aucun courrier imprimé — Le PDF n'a pas pu être écrit (disque plein)" in error
    assert "aucun courrier n'est marqué « Réalisée »" in error
    assert statuses(letters_due) == {InterventionStatus.TODO}
    assert not PrintBatch.objects.exists()


def test_the_pdf_is_handed_over_inside_the_transaction_that_marks_the_letters(team, letters_due):
    handed = []

    def deliver(pdf: bytes) -> None:
        # Stored and marked, but not committed yet: a failure here still undoes it all.
        assert connection.in_atomic_block
        assert statuses(letters_due) == {InterventionStatus.DONE}
        handed.append(pdf)

    result = print_due_letters(team.company, today=date(2026, 10, 20), deliver=deliver)

    assert handed == [bytes(result.batch.pdf)]


def test_a_deliver_that_fails_after_rendering_rolls_everything_back(team, letters_due):
    def read_only(pdf: bytes) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    def crash(pdf: bytes) -> None:
        raise RuntimeError("the printer process died")

    with pytest.raises(ValidationError) as refused:
        print_due_letters(team.company, today=date(2026, 10, 20), deliver=read_only)
    with pytest.raises(RuntimeError):
        print_due_letters(team.company, today=date(2026, 10, 20), deliver=crash)

    assert refused.value.code == "letters_not_delivered"
    assert "disque en lecture seule" in refused.value.messages[0]
    assert statuses(letters_due) == {InterventionStatus.TODO}
    assert not PrintBatch.objects.exists()
    assert not JournalEntry.objects.filter(action="letter_printed").exists()


@pytest.fixture
def printed(letters_due, tmp_path, capsys) -> PrintBatch:
    assert letters("--out", str(tmp_path / "courriers.pdf")) == 0
    capsys.readouterr()
    return PrintBatch.objects.get()


def test_reprint_emits_the_kept_batch_byte_for_byte(team, printed, tmp_path, capsys):
    again = tmp_path / "copie.pdf"

    code = letters("--reprint", str(printed.pk), "--out", str(again), "--json")

    output = capsys.readouterr().out
    assert code == 0
    assert again.read_bytes() == (tmp_path / "courriers.pdf").read_bytes()
    assert hashlib.sha256(again.read_bytes()).hexdigest() == printed.sha256
    assert last_json(output) == {
        "reprint": printed.pk,
        "company": team.company.pk,
        "letters": 3,
        "pages": printed.pages,
        "sha256": printed.sha256,
        "out": str(again),
    }
    assert f"Lot n° {printed.pk} de {team.company} réimprimé : 3 courrier(s)" in output


def test_reprint_of_an_unknown_or_another_companys_batch_is_refused_in_french(
    team, printed, tmp_path, capsys
):
    other = a_company(name="Autre Société SARL")
    out = tmp_path / "copie.pdf"

    unknown = letters("--reprint", str(printed.pk + 100), "--out", str(out))
    unknown_error = capsys.readouterr().err
    foreign = letters("--reprint", str(printed.pk), "--company", str(other.pk), "--out", str(out))
    foreign_error = capsys.readouterr().err

    assert (unknown, foreign) == (2, 2)
    assert f"Erreur : Aucun lot d'impression n° {printed.pk + 100}." in unknown_error
    assert f"Le lot d'impression n° {printed.pk} n'est pas un lot de {other}." in foreign_error
    assert not out.exists()


def test_a_batch_that_no_longer_matches_its_sha256_is_not_emitted(printed):
    altered = PrintBatch(pk=printed.pk, pdf=bytes(printed.pdf) + b"%", sha256=printed.sha256)

    with pytest.raises(ValidationError) as refused:
        print_batches.batch_pdf(altered)

    assert refused.value.code == "batch_altered"
    assert "réimpression refusée" in refused.value.messages[0]


def test_the_print_window_offers_the_whole_batch_as_printed(client, team, printed):
    intervention = printed.printed.order_by("pk").first().intervention
    client.force_login(team.collector_user)

    window = client.get(reverse("intervention_print", args=[intervention.pk])).content.decode()
    download = client.get(reverse("intervention_batch", args=[intervention.pk]))

    assert "Réimprimer le lot" in window
    assert reverse("intervention_batch", args=[intervention.pk]) in window
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="lot-{printed.pk}.pdf"'
    assert download.content == bytes(printed.pdf)


def test_another_companys_user_cannot_reprint_the_batch(client, printed):
    intervention = printed.printed.order_by("pk").first().intervention
    stranger = a_user(a_company(name="Autre Société SARL"), Role.MANAGER, "ailleurs")
    client.force_login(stranger)

    response = client.get(reverse("intervention_batch", args=[intervention.pk]))

    assert response.status_code == 404


def test_a_letter_not_printed_yet_offers_no_reprint(client, team, letters_due):
    client.force_login(team.collector_user)

    window = client.get(reverse("intervention_print", args=[letters_due[0].pk])).content.decode()
    download = client.get(reverse("intervention_batch", args=[letters_due[0].pk]))

    assert "Réimprimer le lot" not in window
    assert download.status_code == 404
