"""Statistical disclosure control for the board's indicator pack (outputs.md §3), in one place:
this module and the three it is made of — disclosure_rules.py (the symbols, thresholds and
single-cell rules), disclosure_protect.py (secondary suppression of a table) and
disclosure_check.py (the audit's check). Callers use this module's names only.

Everything the board receives is made from the display columns this module adds; the raw
counts and statistics stay in the frame only so that the audit can check the display against
the truth. docs/disclosure.md explains the rules, the choices where the spec is silent and the
risks that remain.

``apply(values)`` takes one row per (indicator_id, period_end, area_code) — area ``ALL`` is the
partnership total, any other code a locality — with the columns ``measure`` ('percentage' or
'rate'), ``numerator``, ``denominator``, ``excluded_records`` (integers ≥ 0), ``value``,
``lower_95``, ``upper_95`` (null when the denominator is 0), and passes every other column
through unchanged. It adds:

- ``numerator_shown``, ``denominator_shown``, ``excluded_records_shown``: the count as a plain
  integer string (``"1234"``, ``"0"``) or ``c``;
- ``numerator_suppressed``, ``denominator_suppressed``, ``excluded_records_suppressed``,
  ``value_suppressed``: booleans, True where the display is ``c``;
- ``value_shown``, ``lower_95_shown``, ``upper_95_shown``: one decimal place (``"12.3"``),
  ``c`` when suppressed, ``x`` when not available (denominator 0);
- where the input has them, ``significance_shown`` and ``target_status_shown`` (the input's
  label, ``c`` when the value is suppressed, ``x`` when null) and ``comparator_value_shown``
  (one decimal place; ``c`` when the comparator is another indicator's suppressed value, as
  H03's is H03A's — see ``comparator_links``; ``x`` when that value is not available; ``z``
  when there is no comparator).

Rules (a count means each of numerator, denominator and excluded_records):

1. Primary: a count from 1 to 5 is ``c``; 0 stays ``0``.
2. Secondary, per table (one indicator's month: the ALL row and the locality rows): cells are
   added until the attacker of ``pack/attack.py`` — an integer program over every public
   relation (ALL = Σ localities + the units with no locality, numerator ≤ denominator, shown
   values and ``x``) — leaves every ``c`` cell at least 3 feasible values, and the part of ALL
   in no locality, when it is from 1 to 5, too. Extra cells are the smallest visible localities
   of the weak cell's column (ties by area_code), then the total, then the other count of its
   row (a denominator that pins its numerator): never a cell the shown cells pin. Cells of two
   tables of a month that hold the same counts in every area are hidden alike.
3. Values: a value is ``c`` when its numerator or denominator is ``c``, and a percentage is
   ``c`` when its denominator is from 1 to 9; its 95% interval, significance and target
   status go with it.

``check(frame)`` re-derives all of this from the display strings and the true counts,
independently of ``apply``'s choices, runs the attacker's solver on every table and returns
the problems (an empty list: safe to publish).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from neglect_warehouse.partnership.pack.disclosure_check import check, identifier_columns
from neglect_warehouse.partnership.pack.disclosure_protect import protect_table
from neglect_warehouse.partnership.pack.disclosure_rules import (
    ALLOWED_ID_COLUMNS,
    CONFIDENTIAL,
    COUNT_COLUMNS,
    LABEL_COLUMNS,
    MEASURES,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    REQUIRED_COLUMNS,
    SMALLEST_SHOWN_COUNT,
    SMALLEST_SHOWN_PERCENTAGE_DENOMINATOR,
    STATISTIC_COLUMNS,
    TOTAL_AREA,
    comparator_links,
    is_missing,
    is_small,
    is_value_hidden,
    one_decimal,
    shown_int,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ALLOWED_ID_COLUMNS",
    "CONFIDENTIAL",
    "COUNT_COLUMNS",
    "LABEL_COLUMNS",
    "MEASURES",
    "NOT_APPLICABLE",
    "NOT_AVAILABLE",
    "REQUIRED_COLUMNS",
    "SMALLEST_SHOWN_COUNT",
    "SMALLEST_SHOWN_PERCENTAGE_DENOMINATOR",
    "STATISTIC_COLUMNS",
    "TOTAL_AREA",
    "apply",
    "check",
    "comparator_links",
    "identifier_columns",
    "is_small",
    "protect_table",
    "published",
    "visible_counts",
]


def apply(values: pd.DataFrame) -> pd.DataFrame:
    """``values`` with the display columns added (module docstring); raises ValueError when
    the frame breaks its contract (a missing column, a negative or missing count, a group
    with locality rows but no single ALL row, an unknown measure)."""
    missing = [c for c in REQUIRED_COLUMNS if c not in values.columns]
    if missing:
        raise ValueError(f"disclosure.apply: missing columns {missing}")
    measures = list(values["measure"])
    unknown = sorted({str(m) for m in measures} - set(MEASURES))
    if unknown:
        raise ValueError(f"disclosure.apply: unknown measure {unknown}")
    counts = {col: [_count(n, col) for n in values[col]] for col in COUNT_COLUMNS}
    over = [
        i
        for i, measure in enumerate(measures)
        if measure == "percentage" and counts["numerator"][i] > counts["denominator"][i]
    ]
    if over:
        r = values.iloc[over[0]]
        raise ValueError(
            f"disclosure.apply: {r['indicator_id']} {r['period_end']} {r['area_code']}: a "
            "percentage's numerator exceeds its denominator"
        )
    groups = list(_area_groups(values))

    # rule 1; rule 2 table by table; then cells with the same counts as a hidden cell of
    # another table hidden too, and those tables protected again, until nothing changes
    hidden = {col: [is_small(n) for n in counts[col]] for col in COUNT_COLUMNS}
    pending: list[int] = list(range(len(groups)))
    while pending:
        for g in pending:
            rows = groups[g]
            cells = {
                (area, col): counts[col][i] for area, i in rows.items() for col in COUNT_COLUMNS
            }
            measure = measures[next(iter(rows.values()))]
            already = {(area, col) for (area, col) in cells if hidden[col][rows[area]]}
            for area, col in protect_table(cells, already, measure):
                hidden[col][rows[area]] = True
        pending = _hide_identical_counts(values, groups, counts, hidden)

    # rule 3
    value_hidden = [
        is_value_hidden(
            measures[i], counts["denominator"][i], hidden["numerator"][i], hidden["denominator"][i]
        )
        for i in range(len(values))
    ]

    added: dict[str, list] = {}
    for col in COUNT_COLUMNS:
        added[f"{col}_shown"] = [
            CONFIDENTIAL if h else str(n) for n, h in zip(counts[col], hidden[col], strict=True)
        ]
    for col in STATISTIC_COLUMNS:
        added[f"{col}_shown"] = [
            CONFIDENTIAL if h else one_decimal(v)
            for v, h in zip(values[col], value_hidden, strict=True)
        ]
    for col in LABEL_COLUMNS:
        if col in values.columns:
            added[f"{col}_shown"] = [
                CONFIDENTIAL if h else (NOT_AVAILABLE if is_missing(v) else str(v))
                for v, h in zip(values[col], value_hidden, strict=True)
            ]
    if "comparator_value" in values.columns:
        added["comparator_value_shown"] = _comparators_shown(values, value_hidden)
    for col in COUNT_COLUMNS:
        added[f"{col}_suppressed"] = hidden[col]
    added["value_suppressed"] = value_hidden

    import pandas as pd

    kept = values.drop(columns=[c for c in added if c in values.columns])  # applied twice
    return pd.concat([kept, pd.DataFrame(added, index=values.index)], axis=1)


def _hide_identical_counts(values, groups, counts, hidden) -> list[int]:
    """Cells of two tables of one month that hold the same counts in every area (S05's and
    S06's denominator; F07's denominator and F08's numerator) are the same children: a cell
    hidden in one is hidden in the other, or the other would show it. Returns the tables
    (positions in ``groups``) where a cell was hidden."""
    periods = list(values["period_end"])
    alike: dict[tuple, list[tuple[int, str]]] = {}
    for g, rows in enumerate(groups):
        period = periods[next(iter(rows.values()))]
        for col in COUNT_COLUMNS:
            vector = tuple(sorted((area, counts[col][i]) for area, i in rows.items()))
            alike.setdefault((period, vector), []).append((g, col))
    changed = set()
    for members in alike.values():
        if len(members) < 2:
            continue
        areas = {area for g, col in members for area, i in groups[g].items() if hidden[col][i]}
        for g, col in members:
            for area in areas:
                i = groups[g][area]
                if not hidden[col][i]:
                    hidden[col][i] = True
                    changed.add(g)
    return sorted(changed)


def _area_groups(frame: pd.DataFrame) -> Iterator[dict[str, int]]:
    """Per (indicator_id, period_end): area code → row position."""
    groups: dict[tuple, dict[str, int]] = {}
    keys = zip(frame["indicator_id"], frame["period_end"], frame["area_code"], strict=True)
    for i, (indicator, period, area) in enumerate(keys):
        rows = groups.setdefault((indicator, period), {})
        if area in rows:
            raise ValueError(f"disclosure.apply: {indicator} {period} has two {area!r} rows")
        rows[area] = i
    for (indicator, period), rows in groups.items():
        if TOTAL_AREA not in rows:
            raise ValueError(
                f"disclosure.apply: {indicator} {period} has locality rows but no "
                f"{TOTAL_AREA} row, so its localities cannot be protected"
            )
        yield rows


def _comparators_shown(frame: pd.DataFrame, value_hidden: list[bool]) -> list[str]:
    """A comparator that is another indicator's value (``comparator_links``) is ``c`` where
    that value is ``c``."""
    links = comparator_links(frame)
    keys = list(zip(frame["indicator_id"], frame["period_end"], frame["area_code"], strict=True))
    hidden = {key for key, h in zip(keys, value_hidden, strict=True) if h}
    shown = []
    for (indicator, period, area), comparator in zip(keys, frame["comparator_value"], strict=True):
        linked = links.get(indicator, set())
        if any((other, period, area) in hidden for other in linked):
            shown.append(CONFIDENTIAL)
        elif is_missing(comparator):
            shown.append(NOT_AVAILABLE if linked else NOT_APPLICABLE)
        else:
            shown.append(one_decimal(comparator))
    return shown


def _count(n, column: str) -> int:
    if is_missing(n) or float(n) != int(n) or int(n) < 0:
        raise ValueError(f"disclosure.apply: {column} must be an integer ≥ 0, not {n!r}")
    return int(n)


# --- helpers for the pack and its audit --------------------------------------------------------


def visible_counts(frame: pd.DataFrame) -> Iterator[int]:
    """Every count the frame shows (the integers in the ``*_shown`` count columns)."""
    for col in COUNT_COLUMNS:
        for shown in frame[f"{col}_shown"]:
            n = shown_int(shown)
            if n is not None:
                yield n


def published(frame: pd.DataFrame) -> pd.DataFrame:
    """What the board may see of an applied frame: the ``*_shown`` columns under their plain
    names, without the true counts, statistics and ``*_suppressed`` flags."""
    shown = [c for c in frame.columns if c.endswith("_shown")]
    raw = [c[: -len("_shown")] for c in shown]
    flags = [c for c in frame.columns if c.endswith("_suppressed")]
    out = frame.drop(columns=[c for c in raw + flags if c in frame.columns])
    return out.rename(columns={c: c[: -len("_shown")] for c in shown})
