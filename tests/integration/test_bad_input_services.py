"""Bad input reaching the services (issue 12 §6): refused with a French message naming the
line or the field, nothing changed — the rules are the services', never the database's
(SQLite keeps a 5 000-character text in a 100-character column)."""

import io
import time
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from recouvrement import services
from recouvrement.db.models import Customer, Dossier, Intervention, Receivable
from recouvrement.domain.statuses import InterventionKind
from recouvrement.services.configuration import add_list_value
from recouvrement.services.customer_import import import_customers_file
from recouvrement.services.imports import import_accounting_file
from tests.builders import a_customer, a_dossier, a_receivable

TODAY = date(2026, 11, 2)
FEC_HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise"
)


def fec_invoice(code: str, name: str, reference: str = "F1") -> str:
    return (
        f"VE\tVentes\t1\t20261001\t41100000\tClients\t{code}\t{name}\t{reference}\t20261001\t"
        f"Facture {reference}\t1200,00\t0,00\t\t\t20261001\t\t"
    )


def fec(*lines: str) -> io.BytesIO:
    return io.BytesIO("\n".join((FEC_HEADER, *lines, "")).encode("utf-8"))


# --- Texts: refused with the field's name, never cut ----------------------------------------


def test_a_summary_longer_than_its_column_is_refused_naming_the_field(team):
    customer = a_customer(team.company)

    with pytest.raises(ValidationError) as refused:
        a_dossier(customer, user=team.manager, summary="x" * 5000)

    assert refused.value.messages == ["Résumé : 5000 caractères, 100 au plus."]
    assert not Dossier.objects.exists()


def test_an_intervention_label_is_refused_not_cut(team):
    dossier = a_dossier(a_customer(team.company), user=team.manager)
    before = Intervention.objects.count()

    with pytest.raises(ValidationError) as refused:
        services.create_intervention(
            dossier,
            InterventionKind.MANUAL,
            today=TODAY,
            user=team.manager,
            planned_date=TODAY,
            label="L" * 70,
        )

    assert refused.value.messages == ["Intitulé : 70 caractères, 69 au plus."]
    assert Intervention.objects.count() == before


def test_a_nul_in_a_list_value_is_refused_before_any_query(team):
    with pytest.raises(ValidationError) as refused:
        add_list_value(team.company, "resolution", "Pay\x00é", user=team.manager)

    assert refused.value.messages == ["Résolution : caractère de contrôle U+0000 refusé."]


# --- The customers' file --------------------------------------------------------------------


def test_a_nul_in_an_imported_customer_name_rejects_its_line_and_imports_nothing(team):
    content = b"Code;Nom;Type\nC1;Dupont SARL;B2B\nC2;Dur\x00and;B2C\n"

    report = import_customers_file(team.company, io.BytesIO(content), user=team.manager)

    assert report.errors == [
        "Ligne 3 : nom : caractère de contrôle U+0000 refusé (un fichier texte n'en contient pas)"
    ]
    assert not Customer.objects.exists()


def test_a_customers_file_of_ten_megabytes_without_a_newline_is_refused_at_once(team):
    start = time.perf_counter()

    with pytest.raises(ValidationError) as refused:
        import_customers_file(team.company, io.BytesIO(b"C" * 10_000_000), user=team.manager)

    assert time.perf_counter() - start < 1.0
    assert refused.value.messages[0].startswith("Ligne 1 : plus de 65\u202f536 caractères")


@pytest.mark.parametrize("terms", ["99999999999", "366", "-1"])
def test_absurd_payment_terms_in_the_customers_file_reject_the_line(team, terms):
    content = f"Code;Nom;Type;Délai de paiement\nC1;Dupont SARL;B2B;{terms}\n".encode()

    report = import_customers_file(team.company, io.BytesIO(content), user=team.manager)

    assert report.errors == [
        f"Ligne 2 : délai de paiement « {terms} » invalide (un nombre de jours de 0 à 365, ex. 30)"
    ]
    assert not Customer.objects.exists()


# --- The accounting file --------------------------------------------------------------------


def test_payment_terms_stored_before_they_were_bounded_stop_the_import_with_the_customer(team):
    customer = a_customer(team.company, code="C001")
    # Stored before the bound (SQLite took any size; PostgreSQL's smallint up to 32 767).
    Customer.objects.filter(pk=customer.pk).update(payment_terms_days=30_000)

    with pytest.raises(ValidationError) as refused:
        import_accounting_file(
            team.company, fec(fec_invoice("C001", "Dupont")), today=TODAY, user=team.manager
        )

    assert refused.value.messages == [
        "Client C001 : délai de paiement de 30000 jours hors des bornes (0 à 365 jours) ; "
        "corrigez-le dans « Structure › Clients », puis importez de nouveau."
    ]
    assert not Receivable.objects.exists()


def test_a_nul_in_a_fec_customer_name_rejects_its_line_and_imports_nothing(team):
    report = import_accounting_file(
        team.company,
        fec(fec_invoice("C001", "Dupont"), fec_invoice("C002", "Dur\x00and", "F2")),
        today=TODAY,
        user=team.manager,
    )

    assert [error.message for error in report.errors] == [
        "Ligne 3 : caractère de contrôle U+0000 dans « CompAuxLib » "
        "(un fichier texte n'en contient pas)"
    ]
    assert not Customer.objects.exists()


def test_a_fec_of_ten_megabytes_without_a_newline_is_refused_at_once(team):
    start = time.perf_counter()

    with pytest.raises(ValidationError) as refused:
        import_accounting_file(
            team.company, io.BytesIO(b"J" * 10_000_000), today=TODAY, user=team.manager
        )

    assert time.perf_counter() - start < 2.0
    assert refused.value.messages[0].startswith("Ligne 1 : plus de 65\u202f536 caractères")


# --- Amounts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("1e400"), "Le montant promis dépasse 9\u202f999\u202f999\u202f999,99\u00a0€"),
        (Decimal("NaN"), "Le montant promis n'est pas un nombre."),
        (Decimal("-Infinity"), "Le montant promis n'est pas un nombre."),
    ],
)
def test_the_promise_service_refuses_what_no_column_holds(team, amount, message):
    receivable = a_receivable(a_customer(team.company))
    dossier = a_dossier(receivable.customer, user=team.manager, receivables=[receivable])

    with pytest.raises(ValidationError) as refused:
        services.create_intervention(
            dossier,
            InterventionKind.PROMISE,
            today=TODAY,
            user=team.manager,
            planned_date=TODAY,
            promise_amount=amount,
        )

    assert refused.value.messages[0].startswith(message)
