import pytest
from django.core.exceptions import ValidationError

from rabta.accounts.validators import (
    normalize_document,
    normalize_nadra_number,
    normalize_ntn,
    normalize_passport,
    normalize_phone,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("35202-1234567-1", "35202-1234567-1"),
        ("3520212345671", "35202-1234567-1"),
        (" 42101 1234567 2 ", "42101-1234567-2"),
    ],
)
def test_cnic_is_normalised_to_the_dashed_form(raw, expected):
    assert normalize_nadra_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "cnic_required"),
        ("35202-123456-1", "cnic_invalid_length"),
        ("352021234567123", "cnic_invalid_length"),
        ("35202-12345A7-1", "cnic_invalid_format"),
        ("95202-1234567-1", "cnic_invalid_component"),  # 9 is no province
        ("35202-1234567-0", "cnic_invalid_component"),  # 0 is no gender digit
    ],
)
def test_malformed_cnic_is_refused_with_a_specific_code(raw, code):
    with pytest.raises(ValidationError) as caught:
        normalize_nadra_number(raw)
    assert caught.value.code == code


def test_nicop_and_poc_use_the_nadra_format():
    assert normalize_document("nicop", "6110112345671") == "61101-1234567-1"
    with pytest.raises(ValidationError):
        normalize_document("poc", "12345")


@pytest.mark.parametrize(
    ("number", "country", "expected"),
    [("ab1234567", "pk", "AB1234567"), ("123456789", "GB", "123456789"), ("E1234 5678", "cn", "E12345678")],
)
def test_passport_shapes(number, country, expected):
    assert normalize_passport(number, country=country) == expected


@pytest.mark.parametrize(
    ("number", "country", "code"),
    [
        ("AB1234567", "", "passport_country_required"),
        ("AB1234567", "Pakistan", "passport_country_required"),
        ("A12345678", "PK", "passport_invalid_format"),
        ("12345", "GB", "passport_invalid_format"),
        ("", "GB", "passport_required"),
    ],
)
def test_bad_passport_is_refused(number, country, code):
    with pytest.raises(ValidationError) as caught:
        normalize_passport(number, country=country)
    assert caught.value.code == code


def test_ntn_takes_seven_digits_and_a_check_digit_or_a_cnic():
    assert normalize_ntn("12345678") == "1234567-8"
    assert normalize_ntn("1234567-8") == "1234567-8"
    assert normalize_ntn("35202-1234567-1") == "35202-1234567-1"
    for bad in ("123456-7", "1234567-89", "ABCDEFG-H"):
        with pytest.raises(ValidationError) as caught:
            normalize_ntn(bad)
        assert caught.value.code == "ntn_invalid_format"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0300 1234567", "+923001234567"), ("+92 300 1234567", "+923001234567"), ("+44 20 7946 0958", "+442079460958")],
)
def test_phone_numbers_become_e164(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"), [("", "phone_required"), ("hello", "phone_unparseable"), ("0300 12", "phone_invalid")]
)
def test_bad_phone_numbers_are_refused(raw, code):
    with pytest.raises(ValidationError) as caught:
        normalize_phone(raw)
    assert caught.value.code == code


def _name_variants(rng, name):
    """Passwords built from a name: its parts in some order, cased, joined, with digits and symbols."""
    parts = name.split()
    rng.shuffle(parts)
    if rng.random() < 0.3:
        parts = parts + parts[:1]
    if rng.random() < 0.3:
        parts[0] = parts[0][0]  # an initial
    joined = rng.choice(["", " ", ".", "-", "_", "@"]).join(
        part.upper() if rng.random() < 0.3 else part.capitalize() for part in parts
    )
    return rng.choice(["", "!", "#1 "]) + joined + rng.choice(["", "1990", "123!", "2024", "@786"])


@pytest.mark.parametrize("seed", range(40))
def test_a_password_built_from_the_full_name_is_refused(seed):
    import random
    from types import SimpleNamespace

    from django.contrib.auth.password_validation import validate_password

    from rabta.accounts.tests.spellings import random_name

    rng = random.Random(seed)
    name = random_name(rng)
    user = SimpleNamespace(full_name=name, email=None)
    for password in {name, name.replace(" ", ""), _name_variants(rng, name), _name_variants(rng, name)}:
        with pytest.raises(ValidationError) as caught:
            validate_password(password, user)
        assert "password_name" in [error.code for error in caught.value.error_list], password


@pytest.mark.parametrize(
    ("name", "password"),
    [("Sana Iqbal", "S@n@ 1qb@l!"), ("Sana Iqbal", "labqi anas"), ("Sana Iqbal", "my name is sana iqbal")],
)
def test_leet_reversed_and_contained_names_are_refused(name, password):
    from types import SimpleNamespace

    from rabta.accounts.validators import FullNameValidator

    with pytest.raises(ValidationError):
        FullNameValidator().validate(password, SimpleNamespace(full_name=name))


@pytest.mark.parametrize("name", ["Sana Iqbal", "Kamran Akhtar", "ثناء اقبال", "Li Wei"])
def test_an_unrelated_password_passes_the_name_rule(name):
    from types import SimpleNamespace

    from rabta.accounts.validators import FullNameValidator

    FullNameValidator().validate("a-long-unusual-passphrase", SimpleNamespace(full_name=name))
