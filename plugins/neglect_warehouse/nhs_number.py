"""NHS number validation (modulus 11), as the pseudonymisation tool and the warehouse's
raw-identifier check both need it.

An NHS number is 10 digits; the tenth is a check digit: weight the first nine digits 10..2,
take the sum modulo 11, subtract from 11 (11 becomes 0; 10 means the number is invalid).
Numbers made of one repeated digit pass the arithmetic but are never issued, so they are
rejected too.
"""

from __future__ import annotations

import numpy as np

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None where no valid number exists."""
    total = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid(value: str) -> bool:
    """True for a 10-digit string with a correct modulus-11 check digit, not all one digit.

    Spaces are not stripped: callers normalise first if their source writes ``943 476 5919``.
    """
    if len(value) != 10 or not value.isascii() or not value.isdigit():
        return False
    if value == value[0] * 10:
        return False
    return check_digit(value[:9]) == int(value[9])


def valid_numbers_with_prefix(prefix: str) -> np.ndarray:
    """Every valid NHS number starting with ``prefix`` (ascending, as int64).

    Used by the generator to draw synthetic numbers from the 999 test range without ever
    producing an invalid or repeated one.
    """
    free = 9 - len(prefix)
    stems = np.arange(10**free, dtype=np.int64) + int(prefix) * 10**free
    digits = (stems[:, None] // 10 ** np.arange(8, -1, -1, dtype=np.int64)) % 10
    total = digits @ np.array(_WEIGHTS, dtype=np.int64)
    check = 11 - total % 11
    check[check == 11] = 0
    keep = check != 10
    numbers = stems[keep] * 10 + check[keep]
    same = numbers % 1111111111 == 0  # one repeated digit (0 is excluded by the prefix)
    return numbers[~same]
