"""NHS number validation (modulus 11), as the pseudonymisation tool and the warehouse's
raw-identifier check both need it.

An NHS number is 10 digits; the tenth is a check digit: weight the first nine digits 10..2,
take the sum modulo 11, subtract from 11 (11 becomes 0; 10 means the number is invalid).
Numbers made of one repeated digit pass the arithmetic but are never issued, so they are
rejected too.
"""

from __future__ import annotations

import re

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


# An NHS number inside a longer text: ten digits together, or written 3-3-4 with one separator
# between the groups (943 476 5919, 943-476-5919, 943.476.5919), not part of a longer word
# or number. The same shapes, without the boundaries, find candidate values in SQL (RE2 has
# no look-around), which ``numbers_in`` then confirms.
_GROUPED = r"[0-9]{3}[^0-9A-Za-z][0-9]{3}[^0-9A-Za-z][0-9]{4}"
SQL_CANDIDATE = rf"[0-9]{{10}}|{_GROUPED}"
_INSIDE = re.compile(rf"(?<![0-9A-Za-z])(?:[0-9]{{10}}|{_GROUPED})(?![0-9A-Za-z])")


def numbers_in(text: str) -> list[str]:
    """The valid NHS numbers written anywhere in ``text`` (a list, a sentence, an id), as 10
    digits."""
    found = []
    for match in _INSIDE.finditer(text or ""):
        digits = "".join(ch for ch in match.group() if ch.isdigit())
        if is_valid(digits):
            found.append(digits)
    return found
