"""« Importer » (B4) clicked in Chromium: drop this week's FEC, read the preview, import it."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from recouvrement.bench.fec import HEADER
from recouvrement.db.models import Customer, Dossier, Receivable
from tests.browser.conftest import log_in
from tests.builders import a_customer, a_dossier
from tests.jobs import run_queued_jobs

SCREENSHOTS = Path(__file__).parent / "screenshots"


def _line(day, aux, name, piece, debit, credit, letter=""):
    lettered = f"{day:%Y%m%d}" if letter else ""
    return (
        f"{'VE' if debit else 'BQ'}\tJournal\t1\t{day:%Y%m%d}\t41100000\tClients\t{aux}\t{name}\t"
        f"{piece}\t{day:%Y%m%d}\t{piece}\t{debit or '0,00'}\t{credit or '0,00'}\t{letter}\t"
        f"{lettered}\t{day:%Y%m%d}\t\t\n"
    )


@pytest.mark.django_db(transaction=True)
def test_the_manager_imports_the_weeks_fec_and_a_paid_dossier_closes(
    page: Page, live_server, team, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "documents"
    today = timezone.localdate()
    customer = a_customer(team.company, code="411LACROIX", name="Fromagerie Lacroix")
    invoiced = today - timedelta(days=70)
    receivable = Receivable.objects.create(
        company=team.company,
        customer=customer,
        reference="FA-0412",
        piece_date=invoiced,
        due_date=invoiced + timedelta(days=30),
        amount=Decimal("2480.00"),
        open_amount=Decimal("2480.00"),
    )
    dossier = a_dossier(customer, today=today - timedelta(days=20), receivables=[receivable])
    paid_on = today - timedelta(days=2)
    fec = tmp_path / "512846379FEC20261130.txt"
    fec.write_text(
        "\t".join(HEADER)
        + "\n"
        + _line(invoiced, "411LACROIX", "Fromagerie Lacroix", "FA-0412", "2480,00", "", "AA")
        + _line(paid_on, "411LACROIX", "Fromagerie Lacroix", "VIR-5531", "", "2480,00", "AA")
        + _line(
            today - timedelta(days=40), "411PENTES", "Traiteur des Pentes", "FA-0488", "1250,00", ""
        )  # fmt: skip
        + _line(
            today - timedelta(days=5), "411PENTES", "Traiteur des Pentes", "FA-0501", "310,40", ""
        )  # fmt: skip
    )

    log_in(page, live_server.url, "responsable")
    page.get_by_role("link", name="Importer").click()
    expect(page.get_by_role("heading", name="Importer", exact=True)).to_be_visible()
    page.get_by_label("Fichier", exact=True).set_input_files(str(fec))
    page.get_by_role("button", name="Vérifier le fichier").click()

    # The preview: what the import would do, and nothing done yet.
    expect(page.get_by_role("heading", name="Ce que l'import ferait")).to_be_visible()
    figures = page.get_by_role("region", name="Ce que l'import ferait")
    expect(figures.get_by_role("row", name="Échéances créées")).to_contain_text("2")
    expect(figures.get_by_role("row", name="Échéances soldées")).to_contain_text("1")
    expect(figures.get_by_role("row", name="Dossiers clos (Payé)")).to_contain_text("1")
    expect(figures.get_by_role("row", name="Reste dû total après l'import")).to_contain_text(
        "1\u202f560,40\u00a0€"
    )
    expect(page.get_by_text(dossier.number)).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "import-preview.png", full_page=True)
    assert Receivable.objects.count() == 1

    page.get_by_role("button", name="Importer").click()
    # The import runs in the background worker; the page waits for it and then shows the result.
    expect(page.get_by_text("Import en attente")).to_be_visible()
    assert run_queued_jobs() == 1

    expect(page.get_by_text("Importé le")).to_be_visible()
    expect(page.get_by_role("heading", name="Dossiers clos (Payé)")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "import-result.png", full_page=True)
    assert Dossier.objects.get(pk=dossier.pk).resolution.label == "Payé"
    assert sorted(
        Receivable.objects.filter(open_amount__gt=0).values_list("reference", flat=True)
    ) == [
        "FA-0488",
        "FA-0501",
    ]

    # The dossier shows the transfer that paid it, and is closed.
    page.get_by_role("link", name=dossier.number).click()
    payments = page.get_by_role("table", name="Règlements")
    expect(payments).to_contain_text("VIR-5531")
    expect(payments).to_contain_text("2\u202f480,00\u00a0€")
    expect(page.get_by_text("Clos").first).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "import-dossier.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_the_manager_sets_the_new_customers_before_importing(
    page: Page, live_server, team, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "documents"
    today = timezone.localdate()
    invoiced = today - timedelta(days=50)
    fec = tmp_path / "512846379FEC20261130.txt"
    fec.write_text(
        "\t".join(HEADER)
        + "\n"
        + _line(invoiced, "411DUPONT", "DUPONT Jean", "FA-0601", "350,00", "")
        + _line(invoiced, "411CANUTS", "Brasserie des Canuts SARL", "FA-0602", "1200,00", "")
        + _line(today - timedelta(days=1), "RECCB", "RECETTE CB", "Z-0630", "655,10", "")
    )

    log_in(page, live_server.url, "responsable")
    page.goto(f"{live_server.url}/imports/")
    page.get_by_label("Fichier", exact=True).set_input_files(str(fec))
    page.get_by_role("button", name="Vérifier le fichier").click()

    customers = page.get_by_role("region", name="Nouveaux clients")
    expect(customers.get_by_role("row", name="411DUPONT")).to_contain_text("à vérifier")
    expect(customers.get_by_role("row", name="411CANUTS")).to_contain_text("forme juridique SARL")
    expect(customers.get_by_role("row", name="RECCB")).to_contain_text("Recettes de caisse")
    expect(page.get_by_label("Exclu : RECCB")).to_be_checked()
    expect(page.get_by_label("Exclu : 411DUPONT")).not_to_be_checked()
    page.get_by_label("Type de 411DUPONT").select_option(label="Professionnel (B2B)")
    page.get_by_label("Délai de paiement de 411DUPONT").fill("45")
    page.screenshot(path=SCREENSHOTS / "import-new-customers.png", full_page=True)

    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.get_by_text("Import en attente")).to_be_visible()
    assert run_queued_jobs() == 1

    expect(page.get_by_role("heading", name="Clients créés")).to_be_visible()
    dupont = Customer.objects.get(code="411DUPONT")
    assert (dupont.kind, dupont.payment_terms_days, dupont.excluded_from_collection) == (
        "b2b",
        45,
        False,
    )
    assert Customer.objects.get(code="RECCB").excluded_from_collection
    page.get_by_role("link", name="411DUPONT").click()
    expect(page.get_by_label("Type")).to_have_value("b2b")
