"""Modulus-11 known answers (NHS Digital's published example 943 476 5919)."""

import pytest

from neglect_warehouse.shared.nhs_number import check_digit, is_valid, valid_numbers_with_prefix


@pytest.mark.parametrize("number", ["9434765919", "9990000018", "4010232137"])
def test_valid_numbers(number):
    assert is_valid(number)


@pytest.mark.parametrize(
    "number, why",
    [
        ("9434765918", "wrong check digit"),
        ("0000000000", "one repeated digit passes the arithmetic but is never issued"),
        ("1111111111", "one repeated digit"),
        ("943476591", "nine digits"),
        ("94347659190", "eleven digits"),
        ("943 476 5919", "spaces are not stripped here"),
        ("943476591a", "not digits"),
        ("", "empty"),
    ],
)
def test_invalid_numbers(number, why):
    assert not is_valid(number), why


def test_check_digit_ten_means_no_valid_number():
    # 1+2·… chosen so that 11 − (sum mod 11) = 10: 000000001 → sum 2, 11 − 2 = 9; search one
    nine = next(f"{i:09d}" for i in range(1000) if check_digit(f"{i:09d}") is None)
    assert all(not is_valid(nine + str(d)) for d in range(10))


def test_generated_test_range_is_valid_and_complete():
    numbers = valid_numbers_with_prefix("999")
    assert len(numbers) == len(set(numbers.tolist()))
    sample = numbers[:: max(1, len(numbers) // 5000)]
    assert all(is_valid(str(n)) for n in sample)
    assert all(str(n).startswith("999") for n in sample)
    # of the 1,000,000 stems, those whose check digit would be 10 have no valid number
    invalid = sum(check_digit(f"999{i:06d}") is None for i in range(0, 1_000_000, 97))
    assert abs(len(numbers) - (1_000_000 - invalid * 97)) < 2000
