"""How every output of the pack writes a number or a date for a reader: the board report, the
workbook and the agency data quality reports all format through here. Each output keeps its
own conventions (what a missing figure looks like, a zero-padded day or not), chosen by the
arguments; machine formats (file names, ISO dates in the CSV and the manifest) are not here."""

from __future__ import annotations

import datetime as dt

MISSING = "–"  # a figure that is not known (the agency report); the board leaves the cell empty


def count(value: int | None, missing: str = MISSING) -> str:
    """``10,000``."""
    return missing if value is None else f"{value:,}"


def percent(value: float | None, missing: str = MISSING, round_to_ends: bool = False) -> str:
    """A percentage to one decimal place (``12.3%``). Unless ``round_to_ends``, never rounded
    to a misleading 100% or 0%: ``>99.9%``, ``<0.1%``."""
    if value is None:
        return missing
    if not round_to_ends:
        if 99.95 <= value < 100:
            return ">99.9%"
        if 0 < value < 0.05:
            return "<0.1%"
    return f"{value:.1f}%"


def decimal(value: float) -> str:
    """A figure to one decimal place (``12.3``)."""
    return f"{value:.1f}"


def date(
    value: dt.date | None, short: bool = False, zero_pad: bool = False, missing: str = MISSING
) -> str:
    """``5 October 2026``; ``short``: ``5 Oct 2026``; ``zero_pad``: ``05 October 2026``. A
    date-time is shown as its date."""
    if value is None:
        return missing
    if isinstance(value, dt.datetime):
        value = value.date()
    day = f"{value:%d}" if zero_pad else str(value.day)
    return f"{day} {value:%b %Y}" if short else f"{day} {value:%B %Y}"


def month(value: dt.date, short: bool = True, two_digit_year: bool = False) -> str:
    """``Oct 2026``; ``two_digit_year``: ``Oct 25``; not ``short``: ``October 2026``."""
    if not short:
        return f"{value:%B %Y}"
    return f"{value:%b %y}" if two_digit_year else f"{value:%b %Y}"
