"""« Structure › Modèles de courrier »: edit, refuse with its line, preview as PDF (S6)."""

from django.urls import reverse

from recouvrement.db.models import LetterTemplate, PrintBatch
from recouvrement.documents import LetterRenderingError
from recouvrement.services import letters as letter_services
from recouvrement.services.letters import letter_templates
from tests.builders import a_company, a_customer, a_dossier


def a_template(team) -> LetterTemplate:
    return letter_templates(team.company)["deuxieme_relance"]


def test_the_list_shows_the_company_templates_with_their_type(client, team):
    template = a_template(team)
    client.force_login(team.reader)

    page = client.get(reverse("letter_template_list")).content.decode()

    assert template.name in page
    assert template.get_action_type_display() in page
    assert "Mise en demeure" in page


def test_the_editor_shows_the_variables_as_help(client, team):
    client.force_login(team.manager)

    page = client.get(reverse("letter_template_edit", args=[a_template(team).pk])).content.decode()

    assert "{{ total_du }}" in page
    assert "{{ signataire.fonction }}" in page


def test_the_manager_saves_a_valid_template(client, team):
    template = a_template(team)
    client.force_login(team.manager)

    response = client.post(
        reverse("letter_template_edit", args=[template.pk]),
        {"subject": "Rappel {{ dossier.numero }}", "body": "Bonjour,\n\nTotal : {{ total_du }}."},
    )

    template.refresh_from_db()
    assert response.status_code == 200
    assert "Modèle enregistré." in response.content.decode()
    assert template.subject == "Rappel {{ dossier.numero }}"
    assert template.body == "Bonjour,\n\nTotal : {{ total_du }}."


def test_an_invalid_template_is_refused_with_its_line_and_nothing_is_saved(client, team):
    template = a_template(team)
    before = template.body
    client.force_login(team.manager)

    response = client.post(
        reverse("letter_template_edit", args=[template.pk]),
        {"subject": "Rappel", "body": "Bonjour,\n\nTotal : {{ total_inconnu }}."},
    )

    page = response.content.decode()
    template.refresh_from_db()
    assert response.status_code == 400
    assert "Ligne 3 : variable inconnue" in page
    assert "total_inconnu" in page  # the edited text stays in the textarea
    assert template.body == before


def test_the_preview_returns_the_pdf_of_the_unsaved_text_and_changes_nothing(client, team):
    template = a_template(team)
    before = (template.subject, template.body, template.updated_at)
    dossier = a_dossier(a_customer(team.company), user=team.manager)
    client.force_login(team.manager)

    response = client.post(
        reverse("letter_template_preview", args=[template.pk]),
        {"subject": "Essai", "body": "Total : **{{ total_du }}**.", "dossier": dossier.pk},
    )

    template.refresh_from_db()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content.startswith(b"%PDF")
    assert (template.subject, template.body, template.updated_at) == before
    assert not PrintBatch.objects.exists()


def test_the_preview_of_an_invalid_text_shows_its_line(client, team):
    template = a_template(team)
    dossier = a_dossier(a_customer(team.company), user=team.manager)
    client.force_login(team.manager)

    response = client.post(
        reverse("letter_template_preview", args=[template.pk]),
        {"subject": "Essai", "body": "Bonjour\n{{ rien }}", "dossier": dossier.pk},
    )

    assert response.status_code == 400
    assert "Ligne 2 : variable inconnue" in response.content.decode()


def test_a_collectors_save_is_refused_with_403(client, team):
    template = a_template(team)
    client.force_login(team.collector_user)

    response = client.post(
        reverse("letter_template_edit", args=[template.pk]), {"subject": "X", "body": "Y"}
    )

    template.refresh_from_db()
    assert response.status_code == 403
    assert "Seul un responsable recouvrement peut modifier la structure." in (
        response.content.decode()
    )
    assert template.subject != "X"


def test_a_template_of_another_company_is_not_found(client, team):
    foreign = letter_templates(a_company(name="Autre SAS"))["deuxieme_relance"]
    client.force_login(team.manager)

    response = client.get(reverse("letter_template_edit", args=[foreign.pk]))

    assert response.status_code == 404


def test_a_reader_previews_a_template_and_the_list_is_read_without_creating_any(client, team):
    template = a_template(team)
    dossier = a_dossier(a_customer(team.company), user=team.manager)
    count = LetterTemplate.objects.count()
    client.force_login(team.reader)

    listed = client.get(reverse("letter_template_list"))
    response = client.post(
        reverse("letter_template_preview", args=[template.pk]),
        {"subject": "Essai", "body": "Total : {{ total_du }}.", "dossier": dossier.pk},
    )

    assert listed.status_code == 200
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert LetterTemplate.objects.count() == count


def test_a_preview_that_does_not_render_says_why(client, team, monkeypatch):
    template = a_template(team)
    dossier = a_dossier(a_customer(team.company), user=team.manager)
    client.force_login(team.manager)

    def broken(letters):
        raise LetterRenderingError("Le rendu PDF des courriers a échoué : typst")

    monkeypatch.setattr(letter_services, "render_batch", broken)
    response = client.post(
        reverse("letter_template_preview", args=[template.pk]),
        {"subject": "Essai", "body": "Total : {{ total_du }}.", "dossier": dossier.pk},
    )

    assert response.status_code == 400
    assert "Le rendu PDF des courriers a échoué : typst" in response.content.decode()
