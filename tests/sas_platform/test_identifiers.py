"""French identifiers: valid and invalid real-shaped values (issue 2, item 6)."""

import pytest
from django.core.exceptions import ValidationError
from stdnum import luhn

from sas_platform.identifiers import (
    departement_of_insee,
    format_phone_national,
    is_valid_rpps,
    national_id_normalize,
    national_id_of_rpps,
    national_id_split,
    normalize_adeli,
    normalize_finess,
    normalize_insee_commune,
    normalize_phone,
    normalize_rpps,
    normalize_siret,
    rpps_of_national_id,
    validate_adeli,
    validate_finess,
    validate_insee_commune,
    validate_nir,
    validate_phone,
    validate_rpps,
    validate_siret,
)


def _rpps_with_key(first_ten: str) -> str:
    """An RPPS whose 11th digit is the Luhn key of the first ten (as the ANS computes it)."""
    return first_ten + luhn.calc_check_digit(first_ten)


def _wrong_key(rpps: str) -> str:
    return rpps[:-1] + str((int(rpps[-1]) + 1) % 10)


def _code(excinfo) -> str:
    return excinfo.value.error_list[0].code


# --- RPPS -----------------------------------------------------------------------------------
@pytest.mark.parametrize("first_ten", ["1000338432", "1010101010", "1000000000", "1012345678"])
def test_rpps_with_computed_luhn_key_is_valid(first_ten):
    rpps = _rpps_with_key(first_ten)
    assert is_valid_rpps(rpps) is True
    validate_rpps(rpps)


def test_rpps_worked_example_from_docstring():
    assert _rpps_with_key("1000338432") == "10003384327"
    assert is_valid_rpps("10003384327") is True
    assert is_valid_rpps("10000000001") is False


@pytest.mark.parametrize("first_ten", ["1000338432", "1010101010", "1012345678"])
def test_rpps_with_wrong_key_is_invalid(first_ten):
    rpps = _wrong_key(_rpps_with_key(first_ten))
    assert is_valid_rpps(rpps) is False
    with pytest.raises(ValidationError) as excinfo:
        validate_rpps(rpps)
    assert _code(excinfo) == "rpps_key"
    assert excinfo.value.messages == [f"Le numéro RPPS {rpps} est invalide (clé de contrôle incorrecte)."]


@pytest.mark.parametrize("value", ["1000338432", "100033843271", "1000338432A", "", None, "abcdefghijk"])
def test_rpps_wrong_length_or_characters(value):
    assert is_valid_rpps(value) is False
    with pytest.raises(ValidationError) as excinfo:
        validate_rpps(value)
    assert _code(excinfo) == "rpps_format"
    assert excinfo.value.messages == ["Le numéro RPPS doit comporter 11 chiffres."]


def test_rpps_national_identifier_prefix_8_is_dropped():
    assert normalize_rpps("810003384327") == "10003384327"
    assert is_valid_rpps("810003384327") is True
    validate_rpps("810003384327")


def test_rpps_separators_are_ignored():
    assert normalize_rpps(" 100 0338 4327 ") == "10003384327"
    assert normalize_rpps("100.033.843.27") == "10003384327"
    assert is_valid_rpps("100-0338-4327") is True


def test_rpps_twelve_digits_not_starting_with_8_stay_invalid():
    assert normalize_rpps("910003384327") == "910003384327"
    assert is_valid_rpps("910003384327") is False


# --- ADELI ----------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["131234567", "13 123 456 7", "2A1234567", "2b1234567", "971234567"])
def test_adeli_valid(value):
    validate_adeli(value)


def test_adeli_national_identifier_prefix_0_is_dropped():
    assert normalize_adeli("0131234567") == "131234567"
    validate_adeli("0131234567")


@pytest.mark.parametrize("value", ["13123456", "1312345678", "13A234567", "2C1234567", ""])
def test_adeli_invalid(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_adeli(value)
    assert _code(excinfo) == "adeli_format"
    assert excinfo.value.messages == ["Le numéro ADELI doit comporter 9 chiffres."]


# --- FINESS ---------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["130786049", "130 786 049", "2A0000154", "2B0000020", "970100012"])
def test_finess_valid(value):
    validate_finess(value)


def test_finess_normalised_upper_case_without_spaces():
    assert normalize_finess(" 2a 000 0154 ") == "2A0000154"


@pytest.mark.parametrize("value", ["13078604", "1307860491", "2C0000154", "13078604X", ""])
def test_finess_invalid(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_finess(value)
    assert _code(excinfo) == "finess_format"
    assert excinfo.value.messages == [
        "Le numéro FINESS doit comporter 9 caractères (département puis 7 chiffres)."
    ]


# --- SIRET ----------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["73282932000074", "732 829 320 00074", "35600000000048"])
def test_siret_valid(value):
    validate_siret(value)


def test_siret_normalised():
    assert normalize_siret("732 829 320 00074") == "73282932000074"


def test_siret_wrong_key():
    with pytest.raises(ValidationError) as excinfo:
        validate_siret("73282932000075")
    assert _code(excinfo) == "siret_key"
    assert excinfo.value.messages == [
        "Le numéro SIRET 73282932000075 est invalide (clé de contrôle incorrecte)."
    ]


@pytest.mark.parametrize("value", ["7328293200007", "732829320000745", "7328293200007A", ""])
def test_siret_wrong_length(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_siret(value)
    assert _code(excinfo) == "siret_format"
    assert excinfo.value.messages == ["Le numéro SIRET doit comporter 14 chiffres."]


# --- INSEE commune --------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["13055", "2A004", "2b033", "97411", "01001", "75056"])
def test_insee_commune_valid(value):
    validate_insee_commune(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1001", "01001"), (1001, "01001"), ("2a004", "2A004"), (" 13 055 ", "13055"), ("97411", "97411")],
)
def test_insee_commune_normalised_with_zero_padding(value, expected):
    assert normalize_insee_commune(value) == expected
    validate_insee_commune(value)


@pytest.mark.parametrize("value", ["20004", "20100", "00123", "2C004", "130555", "1305A", "", "ABCDE"])
def test_insee_commune_invalid(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_insee_commune(value)
    assert _code(excinfo) == "insee_format"


def test_insee_commune_invalid_message_names_the_value():
    with pytest.raises(ValidationError) as excinfo:
        validate_insee_commune("20004")
    assert excinfo.value.messages == [
        "Le code commune INSEE 20004 est invalide (5 caractères, par ex. 13055 ou 2A004)."
    ]


@pytest.mark.parametrize(
    ("code", "departement"), [("13055", "13"), ("2A004", "2A"), ("97411", "974"), ("97611", "976")]
)
def test_departement_of_insee(code, departement):
    assert departement_of_insee(code) == departement


# --- NIR ------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["295109912611193", "2 95 10 99 126 111 93", "1 85 05 2A 123 456 33"])
def test_nir_valid(value):
    validate_nir(value)


@pytest.mark.parametrize("value", ["295109912611194", "29510991261119", "", "ABCDEFGHIJKLMNO"])
def test_nir_invalid(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_nir(value)
    assert _code(excinfo) == "nir_invalid"
    assert excinfo.value.messages == ["Le numéro de sécurité sociale est invalide."]


# --- Phone ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "e164"),
    [
        ("04 91 00 00 00", "+33491000000"),
        ("04.91.38.00.00", "+33491380000"),
        ("0491380000", "+33491380000"),
        ("+33 4 91 38 00 00", "+33491380000"),
        ("06 12 34 56 78", "+33612345678"),
        ("0262 12 34 56", "+262262123456"),
        ("0692 12 34 56", "+262692123456"),
        ("0590 12 34 56", "+590590123456"),
    ],
)
def test_phone_normalised_to_e164(value, e164):
    assert normalize_phone(value) == e164
    validate_phone(value)


def test_phone_national_format():
    assert format_phone_national("+33491380000") == "04 91 38 00 00"


@pytest.mark.parametrize("value", ["04 91 00 00", "12345", "abc", "", "00 00 00 00 00", "04 91 00 00 00 00"])
def test_phone_invalid(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_phone(value)
    assert _code(excinfo) == "phone_invalid"
    assert excinfo.value.messages == [f"Le numéro de téléphone {value.strip()} est invalide."]


# --- National identifier (issue 10: written once) --------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("810003384327", ("8", "10003384327")),
        (" 810003384327 ", ("8", "10003384327")),
        ("10003384327", ("8", "10003384327")),
        ("0131234567", ("0", "131234567")),
        ("02b1234567", ("0", "2B1234567")),
        ("81000338432", ("8", "81000338432")),  # 11 digits: a bare RPPS
        ("8100033843", None),
        ("910003384327", None),
        ("", None),
        (None, None),
    ],
)
def test_national_id_split_strict(value, expected):
    assert national_id_split(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("810003384327", ("8", "10003384327")),
        ("10003384327", ("8", "10003384327")),
        ("8abc", ("8", "abc")),
        ("0123", ("0", "123")),
        ("8", None),
        ("9123", None),
        ("8-12", None),
    ],
)
def test_national_id_split_lenient(value, expected):
    assert national_id_split(value, strict=False) == expected


def test_national_id_normalize_and_rpps_of():
    assert national_id_of_rpps("10003384327") == "810003384327"
    assert national_id_normalize("10003384327") == "810003384327"
    assert national_id_normalize(" 810003384327 ") == "810003384327"
    assert national_id_normalize("0131234567") == "0131234567"
    assert rpps_of_national_id("810003384327") == "10003384327"
    assert rpps_of_national_id("10003384327") == "10003384327"
    assert rpps_of_national_id("0131234567") == "0131234567"
