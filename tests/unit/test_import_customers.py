"""What the import proposes for a new customer (B4): its kind, and whether it is a debtor."""

import pytest

from recouvrement.imports.customers import non_debtor_reason, propose_customer, propose_kind


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Brasserie des Canuts SARL", "forme juridique SARL"),
        ("S.A.R.L. Lacroix et fils", "forme juridique SARL"),
        ("LACROIX sas", "forme juridique SAS"),
        ("Dupont SA", "forme juridique SA"),
        ("EURL Martin Plomberie", "forme juridique EURL"),
        ("SCI des Tilleuls", "forme juridique SCI"),
        ("Sté Générale de Nettoyage", "mot « Sté » dans le nom"),
        ("Ets Morel", "mot « Ets » dans le nom"),
        ("Société Lyonnaise de Bois", "mot « Société » dans le nom"),
        ("Groupe Hospitalier Est", "mot « Groupe » dans le nom"),
        ("Fromagerie Lacroix", "mot « Fromagerie » dans le nom"),
        ("Martin Paul 512 846 379", "SIREN 512 846 379 dans le nom"),
        ("Martin Paul SIRET 51284637900018", "SIREN 512 846 379 dans le nom"),
    ],
)
def test_a_name_that_shows_a_company_is_proposed_b2b_with_its_reason(name, reason):
    assert propose_kind(name) == ("b2b", reason)


@pytest.mark.parametrize(
    "name",
    [
        "DUPONT Jean",
        "Mme Durand",
        "M. et Mme Petit",
        "Sabine Sasso",  # « SAS » inside a word is no legal form
        "Martin Paul 06 12 34 56 78",  # a phone number is no SIREN
        "Martin 123456789",  # nine digits without a valid key
    ],
)
def test_any_other_name_is_to_check_not_assumed(name):
    assert propose_kind(name) == ("", "")


@pytest.mark.parametrize(
    ("code", "name", "starts"),
    [
        ("RECCB", "RECETTE CB", "Recettes de caisse (« RECETTE CB »)"),
        ("RECESP", "RECETTES ESPÈCES", "Recettes de caisse (« RECETTES ESPÈCES »)"),
        ("RECCHQ", "Recette CHQ", "Recettes de caisse (« Recette CHQ »)"),
        ("CAISSE", "CAISSE", "Recettes de caisse (« CAISSE »)"),
        ("CAISSE2", "Caisse magasin 2", "Recettes de caisse (« Caisse magasin 2 »)"),
        ("411CAISSE", "", "Recettes de caisse (« 411CAISSE »)"),
        ("ATT", "CLIENT ATTENTE", "Compte d'attente (« CLIENT ATTENTE »)"),
        ("ATT2", "Clients en attente", "Compte d'attente (« Clients en attente »)"),
        ("DIV", "CLIENTS DIVERS", "Compte de clients divers (« CLIENTS DIVERS »)"),
        ("411DIVERS", "Clients", "Compte de clients divers (« 411DIVERS »)"),
    ],
)
def test_accounts_that_are_not_debtors_are_recognised_and_say_why(code, name, starts):
    proposal = propose_customer(code, name)

    assert proposal.excluded
    assert proposal.exclusion_reason.startswith(starts)
    assert proposal.kind == ""  # its kind matters to nobody


@pytest.mark.parametrize(
    "name",
    [
        "Caisse d'Épargne Rhône Alpes",
        "Caisse primaire d'assurance maladie",
        "Divers Travaux SARL",
        "Salle d'attente Lumière",
        "Boulangerie Martin",
    ],
)
def test_a_debtor_whose_name_shares_a_word_with_those_accounts_stays_a_debtor(name):
    assert non_debtor_reason("C001", name) == ""


def test_the_collective_account_without_auxiliary_is_proposed_for_exclusion():
    proposal = propose_customer("41100000", "Clients", collective=True)

    assert proposal.excluded
    assert proposal.exclusion_reason == (
        "Compte collectif 41100000 utilisé sans compte auxiliaire : il regroupe les pièces de "
        "plusieurs clients, ce n'est pas un débiteur."
    )


def test_a_debtor_gets_a_kind_proposal_and_no_exclusion():
    proposal = propose_customer("CLI0042", "Brasserie des Canuts SARL")

    assert (proposal.kind, proposal.excluded, proposal.exclusion_reason) == ("b2b", False, "")
