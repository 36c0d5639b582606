"""The rules of the board pack's disclosure control (docs/disclosure.md) that every part of it
shares: the GSS symbols, the thresholds, the columns of an indicator frame, rule 1 for a count
(``is_small``) and rule 3 for a value (``is_value_hidden``), which indicator's value is another's
comparator, and how a display string is read back. Applied by disclosure.py (with
disclosure_protect.py for whole tables) and verified by disclosure_check.py."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

CONFIDENTIAL = "c"  # GSS: confidential
NOT_AVAILABLE = "x"  # GSS: not available
NOT_APPLICABLE = "z"  # GSS: not applicable

TOTAL_AREA = "ALL"
COUNT_COLUMNS = ("numerator", "denominator", "excluded_records")
STATISTIC_COLUMNS = ("value", "lower_95", "upper_95")
LABEL_COLUMNS = ("significance", "target_status")  # say something about the value
MEASURES = ("percentage", "rate")
REQUIRED_COLUMNS = (
    "indicator_id",
    "period_end",
    "area_code",
    "measure",
    *COUNT_COLUMNS,
    *STATISTIC_COLUMNS,
)

SMALLEST_SHOWN_COUNT = 6  # counts 1..5 are confidential
SMALLEST_SHOWN_PERCENTAGE_DENOMINATOR = 10
# identifier columns a board output may carry; any other *_id / *_key / token column is not
ALLOWED_ID_COLUMNS = ("indicator_id", "comparator_indicator_id")


def is_small(count: int) -> bool:
    """A count that may not be shown (1 to 5)."""
    return 0 < count < SMALLEST_SHOWN_COUNT


def is_value_hidden(
    measure: str, denominator: int, numerator_hidden: bool, denominator_hidden: bool
) -> bool:
    """Rule 3: a value is c when a count of it is c, or a percentage's denominator is 1–9."""
    return (
        numerator_hidden
        or denominator_hidden
        or (measure == "percentage" and 0 < denominator < SMALLEST_SHOWN_PERCENTAGE_DENOMINATOR)
    )


def comparator_links(frame: pd.DataFrame) -> dict[str, set[str]]:
    """Indicator → the indicators whose value for the same period and area is its comparator
    (H03 → {H03A}). From ``comparator_indicator_id`` (dim_indicator) when the frame has it;
    otherwise inferred: Y is X's comparator indicator when X's every non-null comparator equals
    Y's value for that period and area. A national figure (F07's 50.0) matches no indicator
    everywhere, so it stays unlinked."""
    if "comparator_value" not in frame.columns:
        return {}
    indicators = list(frame["indicator_id"])
    if "comparator_indicator_id" in frame.columns:
        links: dict[str, set[str]] = {}
        for x, y in zip(indicators, frame["comparator_indicator_id"], strict=True):
            if not is_missing(y):
                links.setdefault(x, set()).add(y)
        return links
    keys = list(zip(indicators, frame["period_end"], frame["area_code"], strict=True))
    values = {key: v for key, v in zip(keys, frame["value"], strict=True) if not is_missing(v)}
    comparators: dict[str, list[tuple]] = {}
    for (x, period, area), c in zip(keys, frame["comparator_value"], strict=True):
        if not is_missing(c):
            comparators.setdefault(x, []).append((period, area, c))
    links = {}
    for x, pairs in comparators.items():
        for y in sorted(set(indicators) - {x}):
            if all(
                (y, period, area) in values and is_same(values[(y, period, area)], c)
                for period, area, c in pairs
            ):
                links.setdefault(x, set()).add(y)
    return links


# --- reading and writing cells -------------------------------------------------------------------


def is_missing(v) -> bool:
    if v is None:
        return True
    try:
        return bool(v != v)  # NaN, NaT
    except TypeError:  # pandas.NA
        return True


def records_of(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """The rows as dicts of plain Python values (faster than ``to_dict("records")``)."""
    lists = [frame[c].tolist() for c in columns]
    return [dict(zip(columns, values, strict=True)) for values in zip(*lists, strict=True)]


def one_decimal(v) -> str:
    return NOT_AVAILABLE if is_missing(v) else f"{float(v):.1f}"


def is_same(a, b) -> bool:
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


def shown_int(shown) -> int | None:
    shown = str(shown)
    return int(shown) if shown.isdigit() else None


def shown_float(shown) -> float | None:
    try:
        return float(shown)
    except (TypeError, ValueError):
        return None
