"""Keyed pseudonymisation tokens (spec/extracts.md §3).

Every token is the first 32 hex characters of HMAC-SHA256(key, domain prefix + value). The
domain prefix ("nhs:", "alt:", "hh:") keeps tokens of different kinds of identifier apart
even when two raw values happen to be equal.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

TOKEN_LENGTH = 32
TOKEN_PATTERN = re.compile(r"^[0-9a-f]{32}$")


def hmac_token(key: bytes, message: str) -> str:
    """First 32 hex characters of HMAC-SHA256(key, message)."""
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()[:TOKEN_LENGTH]


def tokeniser(key: bytes) -> Callable[[str], str]:
    """A fast token function for one key: the keyed HMAC state is built once and copied.

    Equivalent to ``lambda m: hmac_token(key, m)``; about twice as fast on millions of rows.
    """
    base = hmac.new(key, digestmod=hashlib.sha256)

    def token(message: str) -> str:
        h = base.copy()
        h.update(message.encode("utf-8"))
        return h.hexdigest()[:TOKEN_LENGTH]

    return token


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """Upper case, letters A–Z only: accents are folded (É → E), everything else dropped.
    Cached: a partnership's names repeat, and this runs for every person of every delivery."""
    folded = unicodedata.normalize("NFKD", name)
    return "".join(c for c in folded.upper() if "A" <= c <= "Z")


def nhs_message(nhs_number: str) -> str:
    return "nhs:" + nhs_number


def alt_message(surname: str, forenames: str, date_of_birth: str) -> str:
    """The alternative-identity message: normalised surname, first forename, ISO birth date."""
    first = forenames.split()[0] if forenames.split() else ""
    return f"alt:{normalise_name(surname)}|{normalise_name(first)}|{date_of_birth}"


def household_message(uprn: str) -> str:
    return "hh:" + uprn.strip()
