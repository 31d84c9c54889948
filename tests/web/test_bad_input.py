"""Bad input on the pages (issue 12 §6, PRODUCT §8): a French message, nothing changed, never
a 500 nor a value silently cut to the column's length."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from recouvrement.db.models import Customer, Dossier, Intervention, LetterTemplate, Scenario
from recouvrement.services.letters import letter_templates
from tests.builders import a_customer, a_dossier, a_receivable, a_scenario
from tests.web.test_structure_company import FORM as COMPANY_FORM
from tests.web.test_structure_customers import FORM as CUSTOMER_FORM
from tests.web.test_structure_customers import contacts
from tests.web.test_structure_scenarios import THREE_STEPS

HUGE = "99999999999999999999"


def _next_week() -> str:
    """A promise date still to come whenever the suite runs (a past one is refused)."""
    return (timezone.localdate() + timedelta(days=7)).isoformat()


@pytest.fixture
def browser(team) -> Client:
    """The manager's browser; an exception in a view becomes the 500 a user would get."""
    client = Client(raise_request_exception=False)
    client.force_login(team.manager)
    return client


def page_of(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Query parameters -----------------------------------------------------------------------


def test_a_huge_collector_id_in_the_dossier_list_is_ignored_with_a_message(browser, team):
    a_dossier(a_customer(team.company), user=team.manager)

    response = browser.get(reverse("dossier_list"), {"charge": HUGE})

    assert response.status_code == 200
    assert "Filtre « Chargé » ignoré" in page_of(response)


def test_a_huge_page_number_of_the_dossier_list_shows_the_last_page(browser, team):
    dossier = a_dossier(a_customer(team.company), user=team.manager)

    response = browser.get(reverse("dossier_list"), {"page": HUGE})

    assert response.status_code == 200
    assert dossier.number in page_of(response)


def test_a_huge_page_number_of_the_worklist_is_ignored_with_a_message(browser, team):
    a_dossier(a_customer(team.company), user=team.manager, scenario=a_scenario(team.company))

    response = browser.get(reverse("worklist"), {"page": HUGE})

    assert response.status_code == 200
    assert "Filtre « Page » ignoré" in page_of(response)


def test_an_absurd_date_on_the_worklist_is_ignored_with_a_message(browser, team):
    for value in ("99999-01-01", "31/02/2026", "0000-01-01"):
        response = browser.get(reverse("worklist"), {"jusqu_au": value})

        assert response.status_code == 200
        assert "Filtre « Actions jusqu&#x27;au » ignoré" in page_of(response)


# --- Letter templates -----------------------------------------------------------------------


def test_the_preview_on_a_dossier_that_is_not_a_number_asks_for_a_dossier(browser, team):
    template = letter_templates(team.company)["deuxieme_relance"]

    response = browser.post(
        reverse("letter_template_preview", args=[template.pk]),
        {"dossier": "abc", "subject": "Objet", "body": "Texte"},
    )

    assert response.status_code == 400
    assert "Choisissez un dossier pour l&#x27;aperçu." in page_of(response)


def test_the_preview_on_a_huge_dossier_id_asks_for_a_dossier(browser, team):
    template = letter_templates(team.company)["deuxieme_relance"]

    response = browser.post(
        reverse("letter_template_preview", args=[template.pk]),
        {"dossier": HUGE, "subject": "Objet", "body": "Texte"},
    )

    assert response.status_code == 400
    assert "Choisissez un dossier pour l&#x27;aperçu." in page_of(response)


# --- Promises -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("1e400", "dépasse 9\u202f999\u202f999\u202f999,99"),
        ("NaN", "n&#x27;est pas un nombre"),
        ("Infinity", "n&#x27;est pas un nombre"),
        ("-sNaN", "n&#x27;est pas un nombre"),
        ("-12", "ne peut pas être négatif"),
        ("12345678901,00", "dépasse 9\u202f999\u202f999\u202f999,99"),
        ("1e10", "dépasse 9\u202f999\u202f999\u202f999,99"),
    ],
)
def test_an_absurd_promise_is_refused_in_french_and_nothing_is_created(
    browser, team, amount, message
):
    dossier = a_dossier(a_customer(team.company), user=team.manager)
    before = Intervention.objects.count()

    response = browser.post(
        reverse("intervention_create", args=[dossier.pk]),
        {"kind": "promise", "planned_date": _next_week(), "promise_amount": amount},
        follow=True,
    )

    assert response.status_code in (200, 400)
    assert message in page_of(response)
    assert Intervention.objects.count() == before


# --- Formsets -------------------------------------------------------------------------------


@pytest.mark.parametrize("total", ["abc", "", "-1", HUGE, "1e400"])
def test_a_tampered_step_formset_is_refused_in_french(browser, team, total):
    before = Scenario.objects.count()
    data = {**THREE_STEPS, "name": "Nouveau", "steps-TOTAL_FORMS": total}

    saved = browser.post(reverse("scenario_create"), data)
    added = browser.post(reverse("scenario_create"), {**data, "add_step": "1"})

    for response in (saved, added):
        assert response.status_code in (200, 400)
        assert "Le formulaire des étapes a été altéré" in page_of(response)
    assert Scenario.objects.count() == before


def test_a_tampered_contact_formset_is_refused_in_french(browser, team):
    data = {**CUSTOMER_FORM, **contacts({"last_name": "Durand"}), "contacts-TOTAL_FORMS": "abc"}

    response = browser.post(reverse("customer_create"), data)

    assert response.status_code == 400
    assert "Le formulaire des contacts a été altéré" in page_of(response)
    assert not Customer.objects.filter(code=CUSTOMER_FORM["code"]).exists()


# --- Lengths: refused with the field's name, never cut --------------------------------------


def test_a_5000_character_summary_is_refused_naming_the_field(browser, team):
    customer = a_customer(team.company)
    a_receivable(customer)
    before = Dossier.objects.count()

    response = browser.post(
        reverse("dossier_create"),
        {"customer": customer.pk, "priority": "3", "summary": "x" * 5000},
    )

    assert response.status_code in (200, 400)
    assert "Résumé" in page_of(response)
    assert "100 caractères" in page_of(response)
    assert Dossier.objects.count() == before


def test_a_too_long_letter_template_is_refused_in_french(browser, team):
    template = letter_templates(team.company)["deuxieme_relance"]
    body = template.body

    response = browser.post(
        reverse("letter_template_edit", args=[template.pk]),
        {"subject": template.subject, "body": "Bonjour.\n\n" + "x" * 20_001},
    )

    assert response.status_code in (200, 400)
    assert "20\u202f000 caractères" in page_of(response)
    assert LetterTemplate.objects.get(pk=template.pk).body == body


# --- Payment terms --------------------------------------------------------------------------


@pytest.mark.parametrize("terms", ["99999999999", "366", "-1", "1e400", "abc"])
def test_absurd_payment_terms_of_a_customer_are_refused(browser, team, terms):
    response = browser.post(
        reverse("customer_create"),
        {**CUSTOMER_FORM, "payment_terms_days": terms, **contacts()},
    )

    assert response.status_code == 400
    assert "Délai de paiement" in page_of(response)
    assert not Customer.objects.filter(code=CUSTOMER_FORM["code"]).exists()


def test_payment_terms_of_a_year_are_accepted(browser, team):
    response = browser.post(
        reverse("customer_create"), {**CUSTOMER_FORM, "payment_terms_days": "365", **contacts()}
    )

    assert response.status_code == 302
    assert Customer.objects.get(code=CUSTOMER_FORM["code"]).payment_terms_days == 365


def test_a_money_amount_above_the_column_is_refused_on_the_step_editor(browser, team):
    data = {**THREE_STEPS, "name": "Nouveau", "steps-0-fee_amount": "1" + "0" * 15}

    response = browser.post(reverse("scenario_create"), data)

    assert response.status_code in (200, 400)
    assert not Scenario.objects.filter(name="Nouveau").exists()


def test_the_promise_amount_at_the_column_limit_is_kept(browser, team):
    dossier = a_dossier(a_customer(team.company), user=team.manager)

    browser.post(
        reverse("intervention_create", args=[dossier.pk]),
        {
            "kind": "promise",
            "planned_date": _next_week(),
            "promise_amount": "9999999999,99",
        },
    )

    promise = Intervention.objects.get(dossier=dossier, kind="promise")
    assert promise.promise_amount == Decimal("9999999999.99")


# --- The preview's budget -------------------------------------------------------------------


def preview(browser, template, dossier, body: str):
    return browser.post(
        reverse("letter_template_preview", args=[template.pk]),
        {"dossier": dossier.pk, "subject": "Objet", "body": body},
    )


def test_a_template_printing_the_echeances_twice_is_refused_before_rendering(browser, team):
    template = letter_templates(team.company)["deuxieme_relance"]
    dossier = a_dossier(a_customer(team.company), user=team.manager)

    response = preview(browser, template, dossier, "{{ echeances }}\n\n{{ echeances }}")

    assert response.status_code == 400
    assert "figure une seule fois par courrier" in page_of(response)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("a\n\n" * 201, "Ligne 401 : plus de 200 paragraphes et lignes de liste"),
        ("**a** " * 101, "Ligne 1 : plus de 100 passages en gras"),
        ("x" * 20_001, "Le texte du modèle fait 20\u202f001 caractères"),
    ],
)
def test_a_template_too_large_to_preview_quickly_is_refused(browser, team, body, message):
    template = letter_templates(team.company)["deuxieme_relance"]
    dossier = a_dossier(a_customer(team.company), user=team.manager)

    response = preview(browser, template, dossier, body)

    assert response.status_code == 400
    assert message in page_of(response)


def test_the_preview_on_a_dossier_of_too_many_echeances_asks_for_another(browser, team):
    template = letter_templates(team.company)["deuxieme_relance"]
    customer = a_customer(team.company, address="1 rue de la Paix", postal_code="69001")
    receivables = [a_receivable(customer, amount="10.00") for _ in range(151)]
    dossier = a_dossier(customer, user=team.manager, receivables=receivables)

    response = preview(browser, template, dossier, template.body)

    assert response.status_code == 400
    assert "Ce dossier a 151 échéances" in page_of(response)


# --- Files and control characters -----------------------------------------------------------


def test_an_import_of_ten_megabytes_without_a_newline_is_refused_in_french(
    browser, team, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "documents"
    content = b"A" * (10 * 1024 * 1024)

    response = browser.post(
        reverse("import_upload"), {"file": SimpleUploadedFile("FEC.txt", content)}, follow=True
    )

    assert response.status_code in (200, 400)
    assert "Ligne 1 : plus de 65\u202f536 caractères sans fin de ligne" in page_of(response)


def test_a_control_character_in_a_comment_is_refused_naming_the_field(browser, team):
    dossier = a_dossier(a_customer(team.company), user=team.manager)
    before = Intervention.objects.count()

    response = browser.post(
        reverse("intervention_create", args=[dossier.pk]),
        {"kind": "manual", "planned_date": "2026-12-01", "label": "Appel", "comment": "a\x07b"},
        follow=True,
    )

    assert "Commentaire : caractère de contrôle U+0007 refusé." in page_of(response)
    assert Intervention.objects.count() == before


# --- Batch actions of « Gestion des actions » -----------------------------------------------


@pytest.mark.parametrize("ids", [HUGE, str(2**63), "abc", "²"])
def test_a_batch_on_ids_no_row_has_selects_nothing(browser, team, ids):
    response = browser.post(
        reverse("worklist_batch"), {"action": "executer", "ids": ids}, follow=True
    )

    assert response.status_code == 200
    assert "Aucune action sélectionnée." in page_of(response)


@pytest.mark.parametrize("back", ["0", "dossier_list", "https://ailleurs.example/", "//x"])
def test_a_batch_returns_to_the_worklist_when_the_way_back_is_not_a_path(browser, team, back):
    response = browser.post(reverse("worklist_batch"), {"action": "executer", "retour": back})

    assert response.status_code == 302
    assert response["Location"] == reverse("worklist")


@pytest.mark.parametrize("terms", ["99999999999", "366", "-1", "1e400"])
def test_absurd_default_payment_terms_of_the_company_are_refused(browser, team, terms):
    before = team.company.default_payment_terms_days

    response = browser.post(
        reverse("company_settings"), {**COMPANY_FORM, "default_payment_terms_days": terms}
    )

    assert response.status_code == 400
    team.company.refresh_from_db()
    assert team.company.default_payment_terms_days == before


@pytest.mark.parametrize("amount", ["1e400", "NaN", "12345678901,00", "-0,01"])
def test_an_absurd_minimum_balance_of_the_company_is_refused(browser, team, amount):
    before = team.company.minimum_balance

    response = browser.post(
        reverse("company_settings"), {**COMPANY_FORM, "minimum_balance": amount}
    )

    assert response.status_code == 400
    team.company.refresh_from_db()
    assert team.company.minimum_balance == before


def test_payment_terms_of_99_999_999_999_days_are_refused_in_french(browser, team):
    response = browser.post(
        reverse("customer_create"),
        {**CUSTOMER_FORM, "payment_terms_days": "99999999999", **contacts()},
    )

    assert "inférieure ou égale à 365" in page_of(response)
    assert not Customer.objects.exists()
