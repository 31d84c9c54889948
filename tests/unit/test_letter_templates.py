"""Letter templates (PRODUCT §5, LETTERS.md): user text parsed into structure, never typst code."""

import json
from datetime import date
from decimal import Decimal

import pytest

from recouvrement.domain.default_letters import DEFAULT_EMAIL, DEFAULT_TEMPLATES
from recouvrement.domain.letter_templates import TemplateError, parse_template
from recouvrement.domain.letters import (
    EcheanceRow,
    LetterContext,
    Letterhead,
    compose_letter,
    compose_text,
)
from recouvrement.domain.rules import RuleViolation

TYPST_SPECIALS = "Dupont #set *gras* $x$ @ref <l> [a] \\ _b_ `c` // ~"


def a_letter_context(**fields) -> LetterContext:
    defaults = {
        "company": Letterhead(name="Atelier Rhône SAS", city="Lyon", iban="FR76 3000", bic="BNPA"),
        "customer_name": "Boulangerie Martin",
        "recipient_address": ("3 rue de la République", "69003 Lyon"),
        "is_b2b": True,
        "contact_civility": "Madame",
        "contact_name": "Durand",
        "dossier_number": "D2026-0001",
        "echeances": (
            EcheanceRow("FA000101", date(2026, 9, 1), date(2026, 10, 1), 57, Decimal("1234.56")),
            EcheanceRow("FA000102", date(2026, 9, 15), date(2026, 10, 15), 43, Decimal("100")),
        ),
        "penalties": Decimal("23.10"),
        "penalty_rate": Decimal("12.15"),
        "indemnity": Decimal("80"),
        "signatory_name": "Claire Martin",
        "signatory_function": "Chargée de recouvrement",
        "letter_date": date(2026, 11, 27),
    }
    return LetterContext(**{**defaults, **fields})


def text_of(blocks) -> str:
    """Every printed word of the body, tables and lists included, as one string."""
    parts = []
    for block in blocks:
        if block["kind"] == "paragraph":
            parts.append("".join(run["text"] for run in block["runs"]))
        elif block["kind"] == "list":
            parts.extend("".join(run["text"] for run in item) for item in block["items"])
        else:
            parts.extend(" ".join(row) for row in block["rows"])
    return "\n".join(parts)


def body_with_line_4(text: str) -> str:
    return f"{{{{ contact.civilite }}}},\n\nPremière ligne.\n{text}\n\nFin."


@pytest.mark.parametrize(
    "default", [*DEFAULT_TEMPLATES.values(), DEFAULT_EMAIL], ids=lambda default: default.code
)
def test_every_default_template_parses(default):
    template = default.parsed()

    assert template.subject == default.subject


def test_the_three_default_letters_are_the_ones_of_letters_md():
    names = {code: default.name for code, default in DEFAULT_TEMPLATES.items()}

    assert names == {
        "relance_courtoise": "Relance courtoise",
        "deuxieme_relance": "Deuxième relance",
        "mise_en_demeure": "Mise en demeure",
    }
    assert [d.is_formal_notice for d in DEFAULT_TEMPLATES.values()] == [False, False, True]


def test_an_unknown_variable_is_reported_with_its_line():
    body = body_with_line_4("Cher {{ client.nm }},")

    with pytest.raises(TemplateError) as error:
        parse_template("Objet", body)

    assert error.value.line == 4
    assert error.value.message.startswith("Ligne 4 : variable inconnue « {{ client.nm }} »")
    assert "{{ client.nom }}" in error.value.message  # the suggestion
    assert error.value.code == "template_unknown_variable"
    assert isinstance(error.value, RuleViolation)


def test_unclosed_braces_are_reported_with_their_line():
    body = body_with_line_4("Total : {{ total_du .")

    with pytest.raises(TemplateError) as error:
        parse_template("Objet", body)

    assert error.value.line == 4
    assert error.value.code == "template_unclosed_variable"
    assert error.value.message.startswith("Ligne 4 : ")


def test_an_unclosed_b2b_block_is_reported_at_the_line_where_it_opens():
    body = body_with_line_4("[B2B: Des pénalités courent [au taux légal].")

    with pytest.raises(TemplateError) as error:
        parse_template("Objet", body)

    assert error.value.line == 4
    assert error.value.code == "template_unclosed_b2b"
    assert "[B2B:" in error.value.message


def test_unbalanced_bold_is_reported_at_the_line_where_it_opens():
    body = body_with_line_4("Total : **{{ total_du }}.")

    with pytest.raises(TemplateError) as error:
        parse_template("Objet", body)

    assert (error.value.line, error.value.code) == (4, "template_unbalanced_bold")


def test_bold_left_open_only_for_a_consumer_is_reported_too():
    body = body_with_line_4("Total : **{{ total_du }} [B2B: et pénalités**] à régler.")

    with pytest.raises(TemplateError) as error:
        parse_template("Objet", body)

    assert (error.value.line, error.value.code) == (4, "template_unbalanced_bold")


def test_the_echeances_table_must_stand_alone_in_its_paragraph():
    body = body_with_line_4("Voici {{ echeances }} à régler.")

    with pytest.raises(TemplateError) as error:
        parse_template("Objet", body)

    assert (error.value.line, error.value.code) == (4, "template_table_not_alone")


def test_an_error_in_the_subject_names_the_subject():
    with pytest.raises(TemplateError) as error:
        parse_template("Relance {{ dossier.num }}", "Bonjour.")

    assert error.value.message.startswith("Objet : variable inconnue « {{ dossier.num }} »")
    assert error.value.where == "subject"


def test_brackets_and_braces_that_are_no_markup_print_as_typed():
    template = parse_template("Objet", "Voir [annexe] et }} ou ] seul.")

    content = compose_letter(template, a_letter_context())

    assert text_of(content.blocks) == "Voir [annexe] et }} ou ] seul."


def test_b2b_blocks_vanish_for_a_consumer_and_stay_for_a_professional():
    template = DEFAULT_TEMPLATES["deuxieme_relance"].parsed()

    professional = text_of(compose_letter(template, a_letter_context(is_b2b=True)).blocks)
    consumer = text_of(compose_letter(template, a_letter_context(is_b2b=False)).blocks)

    assert "article L441-10" in professional
    assert "40 € par facture" in professional
    assert "12,15\u00a0%" in professional
    assert "80,00\u00a0€ d'indemnités" in professional
    for legal_only_b2b in ("L441-10", "40 €", "indemnité", "pénalités", "[B2B", "]"):
        assert legal_only_b2b not in consumer


def test_a_b2b_block_spanning_list_items_leaves_no_empty_item_for_a_consumer():
    template = DEFAULT_TEMPLATES["mise_en_demeure"].parsed()

    professional = compose_letter(template, a_letter_context(is_b2b=True)).blocks
    consumer = compose_letter(template, a_letter_context(is_b2b=False)).blocks

    [b2b_list] = [block for block in professional if block["kind"] == "list"]
    [b2c_list] = [block for block in consumer if block["kind"] == "list"]
    assert [item[0]["text"] for item in b2b_list["items"]] == [
        "principal restant dû : 1\u202f334,56\u00a0€ ;",
        "pénalités de retard (article L441-10 du Code de commerce, taux de 12,15\u00a0%) : "
        "23,10\u00a0€ ;",
        "indemnité forfaitaire pour frais de recouvrement (article D441-5) : 80,00\u00a0€ ;",
    ]
    assert [item[0]["text"] for item in b2c_list["items"]] == [
        "principal restant dû : 1\u202f334,56\u00a0€ ;"
    ]


def test_a_consumer_is_never_claimed_penalties_nor_the_indemnity():
    template = parse_template(
        "Objet", "{{ total_reclame }} dont {{ penalites }} et {{ indemnite }}"
    )

    content = compose_letter(template, a_letter_context(is_b2b=False))

    assert text_of(content.blocks) == "1\u202f334,56\u00a0€ dont 0,00\u00a0€ et 0,00\u00a0€"


def test_the_formal_notice_claims_principal_penalties_and_indemnity_in_bold():
    template = DEFAULT_TEMPLATES["mise_en_demeure"].parsed()

    content = compose_letter(template, a_letter_context(is_formal_notice=True))

    demand = content.blocks[1]["runs"]
    assert demand[1] == {"text": "1\u202f437,66\u00a0€", "bold": True}
    assert demand[2] == {"text": ", se décomposant ainsi :", "bold": False}
    assert content.is_formal_notice
    assert content.subject_text == "Mise en demeure de payer — dossier D2026-0001"


def test_the_echeances_table_stands_where_the_variable_is():
    template = DEFAULT_TEMPLATES["relance_courtoise"].parsed()

    content = compose_letter(template, a_letter_context())

    table = content.blocks[2]
    assert table == {
        "kind": "table",
        "rows": [
            ["FA000101", "01/09/2026", "01/10/2026", "57", "1\u202f234,56\u00a0€"],
            ["FA000102", "15/09/2026", "15/10/2026", "43", "100,00\u00a0€"],
        ],
        "total": "1\u202f334,56\u00a0€",
    }


def test_typst_special_characters_in_a_customer_name_are_kept_literally():
    template = parse_template("Relance {{ client.nom }}", "Client : {{ client.nom }}.")

    content = compose_letter(template, a_letter_context(customer_name=TYPST_SPECIALS))

    data = json.loads(content.as_json())
    assert data["recipient"][0] == TYPST_SPECIALS
    assert data["subject"] == [{"text": f"Relance {TYPST_SPECIALS}", "bold": False}]
    assert data["blocks"][0]["runs"] == [{"text": f"Client : {TYPST_SPECIALS}.", "bold": False}]


def test_the_letter_is_dated_in_words_at_the_company_s_place():
    template = parse_template("Objet", "Le {{ date }}.")

    first = compose_letter(template, a_letter_context())
    elsewhere = compose_letter(template, a_letter_context(place="Villeurbanne"))
    first_day = compose_letter(template, a_letter_context(letter_date=date(2026, 12, 1)))

    assert first.place_date == "Lyon, le 27 novembre 2026"
    assert elsewhere.place_date == "Villeurbanne, le 27 novembre 2026"
    assert text_of(first_day.blocks) == "Le 1er décembre 2026."


def test_an_empty_civility_reads_madame_monsieur_without_a_stray_space():
    template = DEFAULT_TEMPLATES["relance_courtoise"].parsed()

    content = compose_letter(template, a_letter_context(contact_civility="", contact_name=""))

    assert content.blocks[0]["runs"] == [{"text": "Madame, Monsieur,", "bold": False}]
    assert "Nous vous prions d'agréer, Madame, Monsieur, nos" in text_of(content.blocks)


def test_lines_of_a_paragraph_join_and_blank_lines_separate_paragraphs():
    template = parse_template("Objet", "Une phrase\ncoupée.\n\n\nDeux **mots** ici.\n- un\n- deux")

    content = compose_letter(template, a_letter_context())

    assert content.blocks == (
        {"kind": "paragraph", "runs": [{"text": "Une phrase coupée.", "bold": False}]},
        {
            "kind": "paragraph",
            "runs": [
                {"text": "Deux ", "bold": False},
                {"text": "mots", "bold": True},
                {"text": " ici.", "bold": False},
            ],
        },
        {
            "kind": "list",
            "items": [[{"text": "un", "bold": False}], [{"text": "deux", "bold": False}]],
        },
    )


def test_the_email_that_carries_a_letter_reads_as_plain_text():
    template = DEFAULT_EMAIL.parsed()
    context = a_letter_context()

    subject, body = compose_text(template, context, {"objet_du_courrier": "Rappel"})

    assert subject == "Rappel — Atelier Rhône SAS"
    assert "concernant le dossier D2026-0001 (total restant" in body
    assert body.endswith(
        "Cordialement,\nClaire Martin — Chargée de recouvrement, Atelier Rhône SAS\n"
    )
