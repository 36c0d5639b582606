"""The disclosure check the publish audit runs on the frame the board pack was written from
(docs/disclosure.md, "How the audit uses check"): everything re-derived from the display
strings and the true counts, independently of ``disclosure.apply``'s choices, and every table
attacked with the integer programs of attack.py."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from neglect_warehouse.partnership.pack.disclosure_rules import (
    ALLOWED_ID_COLUMNS,
    CONFIDENTIAL,
    COUNT_COLUMNS,
    LABEL_COLUMNS,
    NOT_AVAILABLE,
    REQUIRED_COLUMNS,
    SMALLEST_SHOWN_PERCENTAGE_DENOMINATOR,
    STATISTIC_COLUMNS,
    TOTAL_AREA,
    comparator_links,
    is_missing,
    is_small,
    records_of,
    shown_float,
    shown_int,
)

if TYPE_CHECKING:
    import pandas as pd


def check(frame: pd.DataFrame) -> list[str]:
    """Every way the applied ``frame`` breaks disclosure control, recomputed from the display
    strings and the true counts, not from ``apply``'s flags: a shown count from 1 to 5 or not
    equal to the true count; a ``c`` cell that is the only unknown of its group's equation (or
    an unallocated part of ALL from 1 to 5 that can be worked out); a shown value, interval,
    significance or target status whose numerator or denominator is ``c``, or a percentage
    shown on a denominator from 1 to 9, or a value shown as a number on denominator 0; a shown
    comparator that is another indicator's suppressed value; an identifier column."""
    needed = [
        *REQUIRED_COLUMNS,
        *(f"{c}_shown" for c in COUNT_COLUMNS),
        *(f"{c}_shown" for c in STATISTIC_COLUMNS),
    ]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        return [f"cannot check: missing columns {missing}"]
    problems = [f"column {c!r} looks like an identifier" for c in identifier_columns(frame)]
    for col in (*LABEL_COLUMNS, "comparator_value"):
        if col in frame.columns and f"{col}_shown" not in frame.columns:
            problems.append(f"{col} has no {col}_shown column")

    wanted = [*needed, *(c for c in frame.columns if c.endswith("_shown"))]
    wanted += [c for c in ("comparator_value",) if c in frame.columns]
    rows = records_of(frame, list(dict.fromkeys(wanted)))
    for r in rows:
        where = f"{r['indicator_id']} {r['period_end']} {r['area_code']}"
        for col in COUNT_COLUMNS:
            shown, true = str(r[f"{col}_shown"]), r[col]
            if shown == CONFIDENTIAL:
                continue
            n = shown_int(shown)
            if n is None:
                problems.append(f"{where}: {col} shown as {shown!r}, not a count or 'c'")
            elif is_small(n):
                problems.append(f"{where}: {col} shows {n}, a count from 1 to 5")
            elif is_missing(true) or n != int(true):
                problems.append(f"{where}: {col} shows {n} but the count is {true}")

        for col in STATISTIC_COLUMNS:
            text = str(r[f"{col}_shown"])
            number = shown_float(text)
            if text not in (CONFIDENTIAL, NOT_AVAILABLE) and (
                number is None or not math.isfinite(number)
            ):
                problems.append(f"{where}: {col} shown as {text!r}, not a number, 'c' or 'x'")
        if any(is_missing(r[col]) for col in COUNT_COLUMNS):
            problems.append(f"{where}: a true count is missing, so the row cannot be checked")
            continue

        num_hidden = str(r["numerator_shown"]) == CONFIDENTIAL
        den_hidden = str(r["denominator_shown"]) == CONFIDENTIAL
        den = r["denominator"]
        small_percentage = (
            r["measure"] == "percentage" and 0 < den < SMALLEST_SHOWN_PERCENTAGE_DENOMINATOR
        )
        if num_hidden or den_hidden or small_percentage:
            reason = (
                "its numerator or denominator is c"
                if num_hidden or den_hidden
                else f"its denominator is {den}"
            )
            for col in (*STATISTIC_COLUMNS, *LABEL_COLUMNS):
                if f"{col}_shown" in r and str(r[f"{col}_shown"]) != CONFIDENTIAL:
                    problems.append(f"{where}: {col} shown as {r[f'{col}_shown']!r} but {reason}")
        elif den == 0:
            for col in STATISTIC_COLUMNS:
                if shown_float(r[f"{col}_shown"]) is not None:
                    problems.append(f"{where}: {col} shown as a number on denominator 0")
        value_hidden = str(r["value_shown"]) == CONFIDENTIAL
        for col in (*STATISTIC_COLUMNS[1:], *LABEL_COLUMNS):
            key = f"{col}_shown"
            if value_hidden and key in r and str(r[key]) != CONFIDENTIAL:
                problems.append(f"{where}: {col} shown as {r[key]!r} but the value is c")

    if not any(is_missing(r[col]) for r in rows for col in COUNT_COLUMNS):
        problems += _check_groups(rows)
        problems += _check_identical_counts(rows)
        if not problems:  # the attack needs a consistent frame
            from neglect_warehouse.partnership.pack import attack

            problems += [f"attack: {w}" for w in attack.attack(frame)]
    if "comparator_value_shown" in frame.columns:
        problems += _check_comparators(rows, comparator_links(frame))
    return problems


def identifier_columns(frame: pd.DataFrame) -> list[str]:
    """Columns whose names say they hold a child key, token or record identifier."""
    found = []
    for name in map(str, frame.columns):
        low = name.lower()
        if low in ALLOWED_ID_COLUMNS:
            continue
        if any(word in low for word in ("token", "child_key", "nhs")) or (
            low in ("id", "key") or low.endswith(("_id", "_key"))
        ):
            found.append(name)
    return found


def _check_groups(rows: list[dict]) -> list[str]:
    """Each (indicator, period) and count column: ALL = Σ localities + unallocated (units
    without a locality). A reader who knows the unallocated part (it is usually 0) recovers a
    ``c`` cell when it is the only one of its group. A reader who does not know it works it out
    when no cell is ``c``; when it is from 1 to 5 the group therefore needs a ``c`` cell, and by
    the first rule two."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((r["indicator_id"], r["period_end"]), []).append(r)
    problems = []
    for (indicator, period), members in groups.items():
        totals = [r for r in members if r["area_code"] == TOTAL_AREA]
        localities = [r for r in members if r["area_code"] != TOTAL_AREA]
        if not localities:
            continue
        if len(totals) != 1:
            problems.append(f"{indicator} {period}: {len(totals)} ALL rows beside its localities")
            continue
        for col in COUNT_COLUMNS:
            unknown = [r["area_code"] for r in members if str(r[f"{col}_shown"]) == CONFIDENTIAL]
            unallocated = int(totals[0][col]) - sum(int(r[col]) for r in localities)
            if len(unknown) == 1:
                problems.append(
                    f"{indicator} {period}: {col} of {unknown[0]} is the only c cell of its "
                    "group, so it can be recovered from the others"
                )
            elif is_small(unallocated) and len(unknown) < 2:
                problems.append(
                    f"{indicator} {period}: {col} of ALL exceeds the localities by "
                    f"{unallocated} (from 1 to 5) and fewer than two cells are c"
                )
    return problems


def _check_identical_counts(rows: list[dict]) -> list[str]:
    """Two tables of one month with the same counts in every area must show them alike."""
    tables: dict[tuple, dict[str, dict]] = {}
    for r in rows:
        tables.setdefault((r["indicator_id"], r["period_end"]), {})[r["area_code"]] = r
    seen: dict[tuple, tuple[str, tuple]] = {}
    problems = []
    for (indicator, period), members in tables.items():
        for col in COUNT_COLUMNS:
            vector = tuple(sorted((area, int(r[col])) for area, r in members.items()))
            display = tuple(sorted((area, str(r[f"{col}_shown"])) for area, r in members.items()))
            first = seen.setdefault((period, vector), (f"{indicator} {col}", display))
            if first[1] != display:
                problems.append(
                    f"{indicator} {period}: {col} holds the same counts as {first[0]} but "
                    "shows a different cell, so one gives the other away"
                )
    return problems


def _check_comparators(rows: list[dict], links: dict[str, set[str]]) -> list[str]:
    hidden = {
        (r["indicator_id"], r["period_end"], r["area_code"])
        for r in rows
        if str(r["value_shown"]) == CONFIDENTIAL
    }
    problems = []
    for r in rows:
        if str(r["comparator_value_shown"]) == CONFIDENTIAL:
            continue
        for other in sorted(links.get(r["indicator_id"], ())):
            if (other, r["period_end"], r["area_code"]) in hidden:
                problems.append(
                    f"{r['indicator_id']} {r['period_end']} {r['area_code']}: comparator shown "
                    f"as {r['comparator_value_shown']!r} but it is {other}'s value, which is c"
                )
    return problems
