"""« Structure › Scénarios de recouvrement »: the list and the step editor (M6)."""

from django.urls import reverse

from recouvrement.db.models import Scenario
from recouvrement.services.letters import letter_templates
from tests.builders import a_company, a_customer, a_dossier, a_scenario


def step_rows(*rows: dict, initial: int = 0) -> dict:
    """The POST of the step formset: one dict per row, in page order."""
    data = {"steps-TOTAL_FORMS": str(len(rows)), "steps-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        defaults = {"action_type": "letter", "delay_days": "0", "fee_amount": "0"}
        for field, value in {**defaults, **row}.items():
            if value is not None:
                data[f"steps-{index}-{field}"] = value
    return data


THREE_STEPS = step_rows(
    {"order": "1", "label": "Relance courtoise", "action_type": "email"},
    {"order": "2", "label": "Appel du client", "delay_days": "10", "action_type": "phone"},
    {
        "order": "3",
        "label": "Mise en demeure",
        "delay_days": "15",
        "action_type": "formal_notice",
        "compute_penalties": "on",
        "fee_amount": "40,00",
        "sets_dossier_status": "litigation",
    },
)


def existing_rows(scenario: Scenario, changes: dict[int, dict] | None = None) -> list[dict]:
    changes = changes or {}
    return [
        {
            "step_id": str(step.pk),
            "order": str(step.order),
            "label": step.label,
            "delay_days": str(step.delay_days),
            "action_type": step.action_type,
            **changes.get(step.order, {}),
        }
        for step in scenario.steps.all()
    ]


def test_the_list_shows_each_scenario_with_its_default_flag_and_its_number_of_steps(client, team):
    a_scenario(team.company, name="Standard", is_default=True)
    client.force_login(team.collector_user)

    page = client.get(reverse("scenario_list")).content.decode()

    assert "Standard" in page
    assert "Par défaut" in page
    assert '<td class="num">4</td>' in page
    assert "Nouveau scénario" not in page


def test_the_manager_creates_a_scenario_with_three_ordered_steps(client, team):
    template = letter_templates(team.company)["mise_en_demeure"]
    client.force_login(team.manager)
    data = {**THREE_STEPS, "name": "Clients professionnels", "steps-2-letter_template": template.pk}

    response = client.post(reverse("scenario_create"), data)

    scenario = Scenario.objects.get(company=team.company, name="Clients professionnels")
    assert response.status_code == 302
    assert response.url == reverse("scenario_detail", args=[scenario.pk])
    steps = list(scenario.steps.all())
    assert [(s.order, s.label, s.delay_days, s.action_type) for s in steps] == [
        (1, "Relance courtoise", 0, "email"),
        (2, "Appel du client", 10, "phone"),
        (3, "Mise en demeure", 15, "formal_notice"),
    ]
    assert steps[2].letter_template == template
    assert steps[2].compute_penalties
    assert str(steps[2].fee_amount) == "40.00"
    assert steps[2].sets_dossier_status == "litigation"


def test_a_duplicate_name_is_refused_in_french_and_nothing_is_created(client, team):
    a_scenario(team.company, name="Standard")
    client.force_login(team.manager)

    response = client.post(reverse("scenario_create"), {**THREE_STEPS, "name": "Standard"})

    assert response.status_code == 200
    assert "Un scénario s&#x27;appelle déjà « Standard »." in response.content.decode()
    assert Scenario.objects.filter(company=team.company).count() == 1


def test_a_negative_delay_is_refused_in_french_and_nothing_is_created(client, team):
    client.force_login(team.manager)
    data = step_rows({"order": "1", "label": "Relance", "delay_days": "-3"})

    response = client.post(reverse("scenario_create"), {**data, "name": "Nouveau"})

    assert "Étape 1 : le délai ne peut pas être négatif." in response.content.decode()
    assert not Scenario.objects.filter(company=team.company).exists()


def test_adding_a_step_without_script_shows_one_more_row_and_saves_nothing(client, team):
    client.force_login(team.manager)
    data = step_rows({"order": "1", "label": "Relance"})

    response = client.post(reverse("scenario_create"), {**data, "name": "N", "add_step": "1"})

    page = response.content.decode()
    assert 'name="steps-TOTAL_FORMS" value="2"' in page
    assert 'name="steps-1-label"' in page
    assert not Scenario.objects.filter(company=team.company).exists()


def test_the_manager_reorders_changes_and_adds_steps(client, team):
    scenario = a_scenario(team.company, name="Standard")
    letter = letter_templates(team.company)["deuxieme_relance"]
    rows = existing_rows(scenario, {1: {"order": "2"}, 2: {"order": "1", "delay_days": "5"}})
    rows[2]["letter_template"] = str(letter.pk)
    rows.append({"order": "5", "label": "Tâche de contrôle", "action_type": "task"})
    client.force_login(team.manager)

    response = client.post(
        reverse("scenario_detail", args=[scenario.pk]),
        {"name": "Standard", **step_rows(*rows, initial=4)},
    )

    assert response.status_code == 302
    steps = list(scenario.steps.all())
    assert [(s.order, s.label, s.delay_days) for s in steps] == [
        (1, "Téléphone", 5),
        (2, "E-mail de relance courtoise", 0),
        (3, "Courrier de relance", 15),
        (4, "Mise en demeure", 15),
        (5, "Tâche de contrôle", 0),
    ]
    assert steps[2].letter_template == letter


def test_deleting_a_step_already_used_by_an_intervention_is_refused_in_french(client, team):
    scenario = a_scenario(team.company, name="Standard")
    dossier = a_dossier(a_customer(team.company), scenario=scenario, user=team.manager)
    assert dossier.interventions.filter(step__order=1).exists()  # opening prepared step 1
    rows = existing_rows(scenario)
    rows[0]["DELETE"] = "on"
    client.force_login(team.manager)

    response = client.post(
        reverse("scenario_detail", args=[scenario.pk]),
        {"name": "Standard", **step_rows(*rows, initial=4)},
    )

    page = response.content.decode()
    assert "a déjà servi à des interventions" in page
    assert scenario.steps.count() == 4


def test_a_collectors_post_is_refused_with_403_and_changes_nothing(client, team):
    scenario = a_scenario(team.company, name="Standard")
    client.force_login(team.collector_user)

    create = client.post(reverse("scenario_create"), {**THREE_STEPS, "name": "Autre"})
    edit = client.post(
        reverse("scenario_detail", args=[scenario.pk]),
        {"name": "Renommé", **step_rows(*existing_rows(scenario), initial=4)},
    )

    assert (create.status_code, edit.status_code) == (403, 403)
    assert list(Scenario.objects.values_list("name", flat=True)) == ["Standard"]


def test_a_scenario_of_another_company_is_not_found(client, team):
    foreign = a_scenario(a_company(name="Autre SAS"), name="Étranger")
    client.force_login(team.manager)

    response = client.get(reverse("scenario_detail", args=[foreign.pk]))

    assert response.status_code == 404


def test_the_editor_shows_each_step_with_its_fee_in_french(client, team):
    scenario = a_scenario(team.company, name="Standard")
    client.force_login(team.reader)

    page = client.get(reverse("scenario_detail", args=[scenario.pk])).content.decode()

    assert 'value="Courrier de relance"' in page
    assert 'value="0,00"' in page
    assert '<fieldset class="plain" disabled>' in page
    assert "Enregistrer" not in page
