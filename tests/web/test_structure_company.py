"""« Structure › Société » (PRODUCT §9 O2): everyone reads, a manager changes, the journal
names what changed; the logo is checked by its content."""

import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recouvrement.db.models import Company, CompanyLogo, JournalEntry
from tests.logos import SVG_LOGO, SVG_WITH_SCRIPT, a_png
from tests.web.test_structure_customers import this_semesters_legal_rate

FORM = {
    "name": "Atelier Rhône SAS",
    "legal_form": "SAS",
    "share_capital": "10 000,00",
    "siren": "512 846 379",
    "rcs_city": "Lyon",
    "vat_number": "FR 33 512 846 379",
    "address": "12 quai Saint-Vincent",
    "postal_code": "69001",
    "city": "Lyon",
    "phone": "04 78 00 00 00",
    "email": "compta@atelier-rhone.fr",
    "iban": "fr21 3000 2005 5000 0015 7841 64",
    "bic": "crlyfrpp",
    "signatory_name": "Nathalie Garnier",
    "signatory_function": "Responsable recouvrement",
    "default_payment_terms_days": "45",
    "payment_deadline_days": "8",
    "contractual_penalty_rate": "",
    "minimum_balance": "50,00",
}
URL = reverse("company_settings")


def logo_file(content: bytes, name: str = "logo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def test_the_manager_saves_the_legal_mentions_and_the_journal_names_the_changed_fields(
    client, team
):
    client.force_login(team.manager)

    response = client.post(URL, FORM)

    assert response.status_code == 302
    company = Company.objects.get(pk=team.company.pk)
    assert (company.legal_form, company.share_capital, company.rcs_city) == (
        "SAS",
        Decimal("10000.00"),
        "Lyon",
    )
    assert (company.siren, company.vat_number) == ("512846379", "FR33512846379")
    assert (company.iban, company.bic) == ("FR21 3000 2005 5000 0015 7841 64", "CRLYFRPP")
    assert (company.default_payment_terms_days, company.minimum_balance) == (45, Decimal("50.00"))
    entry = JournalEntry.objects.get(action="company_settings_changed")
    assert (entry.company_id, entry.dossier_id, entry.user) == (company.pk, None, team.manager)
    assert entry.message.startswith("Paramètres de la société modifiés : ")
    assert re.search(r" et \d+ autres?\.$", entry.message)  # too many names: the rest counted
    for label in ("forme juridique", "capital social", "SIREN", "n° TVA intracommunautaire"):
        assert label in entry.message
    assert "raison sociale" not in entry.message  # unchanged: not named
    assert entry.before["siren"] == "" and entry.after["siren"] == "512846379"
    assert entry.after["share_capital"] == "10000.00"
    page = client.get(URL).content.decode()
    assert "Paramètres de la société enregistrés." in page


def test_saving_without_a_change_writes_no_journal_row(client, team):
    client.force_login(team.manager)
    client.post(URL, FORM)

    client.post(URL, FORM)

    assert JournalEntry.objects.filter(action="company_settings_changed").count() == 1


def test_everyone_reads_the_page_but_a_collectors_post_is_refused_with_403(client, team):
    client.force_login(team.collector_user)

    page = client.get(URL)
    response = client.post(URL, {**FORM, "name": "Piratée"})

    assert page.status_code == 200
    assert '<fieldset class="plain" disabled>' in page.content.decode()
    assert ">Société</a>" in page.content.decode()  # in the Structure menu for everyone
    assert response.status_code == 403
    assert Company.objects.get(pk=team.company.pk).name == "Atelier Rhône SAS"
    assert not JournalEntry.objects.filter(action="company_settings_changed").exists()


def test_a_read_only_users_post_is_refused_too(client, team):
    client.force_login(team.reader)

    assert client.post(URL, FORM).status_code == 403


def test_a_png_logo_is_stored_in_the_database_and_shown_on_the_page(client, team):
    client.force_login(team.manager)
    client.post(URL, FORM)
    png = a_png()

    response = client.post(URL, {**FORM, "logo": logo_file(png, "logo-sans-extension")})

    assert response.status_code == 302
    logo = CompanyLogo.objects.get(company=team.company)
    assert (bytes(logo.content), logo.format) == (png, "png")
    entry = JournalEntry.objects.filter(action="company_settings_changed").last()
    assert entry.message == "Paramètres de la société modifiés : logo."
    assert (entry.before, entry.after) == ({"logo": None}, {"logo": logo.sha256})
    image = client.get(reverse("company_logo"))
    assert (image["Content-Type"], image.content) == ("image/png", png)
    assert "Logo PNG déposé le" in client.get(URL).content.decode()


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(client, team):
    client.force_login(team.manager)

    response = client.post(URL, {**FORM, "logo": logo_file(b"MZ\x90\x00 not a picture", "l.png")})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Logo refusé : le fichier n&#x27;est pas une image PNG, JPEG ou SVG" in page
    assert not CompanyLogo.objects.exists()
    assert Company.objects.get(pk=team.company.pk).siren == ""  # nothing saved at all


def test_an_svg_with_a_script_is_refused_and_a_clean_one_kept(client, team):
    client.force_login(team.manager)

    refused = client.post(URL, {**FORM, "logo": logo_file(SVG_WITH_SCRIPT, "logo.svg")})
    kept = client.post(URL, {**FORM, "logo": logo_file(SVG_LOGO, "logo.svg")})

    assert refused.status_code == 400
    assert "le SVG contient un élément « script »" in refused.content.decode()
    assert kept.status_code == 302
    assert CompanyLogo.objects.get(company=team.company).format == "svg"
    served = client.get(reverse("company_logo"))
    assert served["Content-Type"] == "image/svg+xml"
    assert "sandbox" in served["Content-Security-Policy"]


def test_a_truncated_png_is_refused_because_it_cannot_be_printed(client, team):
    client.force_login(team.manager)

    response = client.post(URL, {**FORM, "logo": logo_file(a_png()[:60])})

    assert response.status_code == 400
    assert "Logo refusé" in response.content.decode()
    assert not CompanyLogo.objects.exists()


def test_the_manager_removes_the_logo(client, team):
    client.force_login(team.manager)
    client.post(URL, {**FORM, "logo": logo_file(a_png())})

    response = client.post(URL, {**FORM, "remove_logo": "on"})

    assert response.status_code == 302
    assert not CompanyLogo.objects.exists()
    assert client.get(reverse("company_logo")).status_code == 404


def test_a_siren_with_a_wrong_key_and_a_vat_number_of_another_siren_are_refused(client, team):
    client.force_login(team.manager)

    wrong_siren = client.post(URL, {**FORM, "siren": "512 846 378", "vat_number": ""})
    other_vat = client.post(URL, {**FORM, "vat_number": "FR 40 123 456 789"})

    assert wrong_siren.status_code == 400
    assert "SIREN « 512 846 378 » n&#x27;est pas valide" in wrong_siren.content.decode()
    assert other_vat.status_code == 400
    assert "ne reprend pas le SIREN de la société" in other_vat.content.decode()
    assert Company.objects.get(pk=team.company.pk).siren == ""


def test_an_iban_with_a_wrong_key_is_refused(client, team):
    client.force_login(team.manager)

    response = client.post(URL, {**FORM, "iban": "FR21 3000 2005 5000 0015 7841 65"})

    assert response.status_code == 400
    assert "clé de contrôle erronée" in response.content.decode()


def test_a_contractual_rate_below_the_legal_floor_is_refused(client, team):
    this_semesters_legal_rate()  # 3 %: the floor is 9 %
    client.force_login(team.manager)

    refused = client.post(URL, {**FORM, "contractual_penalty_rate": "8,500"})
    accepted = client.post(URL, {**FORM, "contractual_penalty_rate": "12,000"})

    assert refused.status_code == 400
    assert "minimum légal" in refused.content.decode()
    assert accepted.status_code == 302
    company = Company.objects.get(pk=team.company.pk)
    assert company.contractual_penalty_rate == Decimal("12.000")
