"""The identifiers `recouvrement init` and « Première installation » check (PRODUCT §9 O1):
SIREN (9 digits, Luhn key) and IBAN (ISO 13616, mod 97), refused with a French message.

The rules live in `recouvrement.domain.identity`, shared with « Structure › Société »."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recouvrement.domain.identity import (
    format_siren,
    iban_ok,
    luhn_ok,
    normalize_bic,
    normalize_iban,
    normalize_siren,
)
from recouvrement.domain.rules import RuleViolation


@pytest.mark.parametrize("siren", ["732829320", "552100554", "512 846 379", "356000000"])
def test_a_siren_with_its_luhn_key_is_kept_as_nine_digits(siren):
    assert normalize_siren(siren) == siren.replace(" ", "")


def test_a_siren_with_a_wrong_key_is_refused_in_french():
    with pytest.raises(RuleViolation) as refused:
        normalize_siren("732 829 321")

    assert refused.value.message == (
        "Le SIREN « 732 829 321 » n'est pas valide (clé de contrôle erronée)."
    )
    assert refused.value.code == "siren_invalid"


@pytest.mark.parametrize("siren", ["73282932", "7328293200", "73282932A"])
def test_a_siren_that_is_not_nine_digits_is_refused(siren):
    with pytest.raises(RuleViolation, match="doit compter 9 chiffres"):
        normalize_siren(siren)


@given(st.integers(min_value=0, max_value=99_999_999))
def test_exactly_one_last_digit_completes_eight_digits_into_a_siren(prefix):
    keys = [d for d in range(10) if luhn_ok(f"{prefix:08d}{d}")]

    assert len(keys) == 1
    assert format_siren(f"{prefix:08d}{keys[0]}").count(" ") == 2


@pytest.mark.parametrize(
    "typed",
    [
        "FR76 3000 6000 0112 3456 7890 189",
        "fr7630006000011234567890189",
        "FR76-3000-6000-0112-3456-7890-189",
    ],
)
def test_an_iban_with_its_key_is_stored_in_groups_of_four(typed):
    assert normalize_iban(typed) == "FR76 3000 6000 0112 3456 7890 189"


def test_an_iban_with_a_wrong_key_is_refused_in_french():
    with pytest.raises(RuleViolation) as refused:
        normalize_iban("FR76 3000 6000 0112 3456 7890 188")

    assert refused.value.message == (
        "L'IBAN « FR76 3000 6000 0112 3456 7890 188 » n'est pas valide (clé de contrôle erronée)."
    )


@given(st.integers(min_value=4, max_value=26), st.integers(min_value=1, max_value=9))
def test_changing_one_digit_of_an_iban_breaks_its_key(position, shift):
    iban = "FR7630006000011234567890189"
    digit = (int(iban[position]) + shift) % 10
    changed = iban[:position] + str(digit) + iban[position + 1 :]

    assert iban_ok(iban)
    assert not iban_ok(changed)


def test_empty_optional_identifiers_stay_empty_and_a_bad_bic_is_named():
    assert normalize_iban("") == "" and normalize_bic("") == ""
    assert normalize_bic("agrifrpp") == "AGRIFRPP"
    with pytest.raises(RuleViolation, match="Le BIC « AGRI » n'est pas valide"):
        normalize_bic("AGRI")
