"""HMAC-SHA256 token known answers.

The RFC 4231 vectors check the primitive; the partnership vectors were computed independently
with OpenSSL, e.g. ``printf '%s' 'nhs:9434765919' | openssl dgst -sha256 -hmac KEY``."""

import pytest

from neglect_warehouse.agency.tokens import (
    alt_message,
    hmac_token,
    household_message,
    nhs_message,
    normalise_name,
    tokeniser,
)

KEY = b"partnership-test-key-2026"


def test_rfc4231_test_case_2():
    full = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert hmac_token(b"Jefe", "what do ya want for nothing?") == full[:32]


def test_rfc4231_test_case_1():
    full = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    assert hmac_token(b"\x0b" * 20, "Hi There") == full[:32]


@pytest.mark.parametrize(
    "message, expected",
    [
        (nhs_message("9434765919"), "cd9c7828c0548364cb61e04ea7d431de"),
        (alt_message("O'Brien", "Mary Ann", "2019-03-07"), "89c6444065dbf7a2267604113f7035b0"),
        (household_message("100023336956"), "e72f20f574c16c288569b58f589fc406"),
    ],
)
def test_partnership_tokens(message, expected):
    assert hmac_token(KEY, message) == expected
    assert tokeniser(KEY)(message) == expected


def test_domain_prefixes_separate_identifier_kinds():
    assert hmac_token(KEY, nhs_message("100023336956")) != hmac_token(
        KEY, household_message("100023336956")
    )


def test_tokens_depend_on_the_key():
    assert hmac_token(KEY, "nhs:9434765919") != hmac_token(KEY + b"x", "nhs:9434765919")


@pytest.mark.parametrize(
    "raw, normalised",
    [("O'Brien", "OBRIEN"), ("smith-jones", "SMITHJONES"), ("Zoë", "ZOE"), (" Lee ", "LEE")],
)
def test_name_normalisation(raw, normalised):
    assert normalise_name(raw) == normalised


def test_alt_message_uses_first_forename_only():
    assert alt_message("Smith", "Mary Ann", "2019-03-07") == "alt:SMITH|MARY|2019-03-07"
