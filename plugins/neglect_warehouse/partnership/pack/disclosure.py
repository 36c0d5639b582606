"""Statistical disclosure control for the board's indicator pack (outputs.md §3), in one place.

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

import math
from collections.abc import Iterable, Iterator, Mapping
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


# --- apply -------------------------------------------------------------------------------------


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
    pending = range(len(groups))
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
        _value_hidden(
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
            CONFIDENTIAL if h else _number(v)
            for v, h in zip(values[col], value_hidden, strict=True)
        ]
    for col in LABEL_COLUMNS:
        if col in values.columns:
            added[f"{col}_shown"] = [
                CONFIDENTIAL if h else (NOT_AVAILABLE if _missing(v) else str(v))
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


def protect_table(
    cells: Mapping[tuple[str, str], int], hidden: Iterable[tuple[str, str]], measure: str
) -> set[tuple[str, str]]:
    """The cells of one table — (area code, count column) → true count, ``ALL`` the total —
    to show as ``c``, given those already hidden (``hidden``): rule 2 of the module docstring.

    Cells are added until the attacker (``pack/attack.py``) leaves every hidden cell, and a
    small unallocated part, at least ``attack.PROTECTION`` feasible values. For the first
    weak cell, the candidates are the visible cells of its column, the smallest locality first
    (ties by area code), then the total, then the other count of its row (a denominator that
    pins its numerator), then any other visible cell; the first candidate after which neither
    the weak cell nor the candidate itself is weak is taken (else the first that protects the
    weak cell, else the first). A cell whose value other shown cells pin (a numerator beside a
    shown zero denominator) is therefore never chosen to protect another.

    Candidates are tried with the attack's proof by example (``attack.unproven``), which needs
    no solver; the solver runs only when no candidate passes, to confirm that the cell is weak
    and to choose among the candidates."""
    from neglect_warehouse.partnership.pack import attack

    hidden = set(hidden)
    areas = sorted({area for area, _ in cells}, key=lambda a: (a != TOTAL_AREA, a))
    if not hidden and not _small_unallocated(cells, areas):
        return hidden

    def table(hidden_now: set):
        return _table(cells, hidden_now, areas, measure)

    cleared: set[tuple[str, str]] = set()  # the solver's word: protected (hiding more keeps it)
    while True:
        weak = [c for c in attack.unproven(table(hidden)) if c not in cleared]
        if not weak:
            return hidden
        first = weak[0]
        choices = _candidates(cells, hidden, areas, *first)
        trials: dict[tuple[str, str], set] = {}
        for candidate in choices:
            trials[candidate] = set(
                attack.unproven(table(hidden | {candidate}), [first, candidate])
            )
            if not trials[candidate]:
                break
        protecting = [c for c in trials if first not in trials[c]]
        chosen = next(
            (c for c in protecting if not trials[c]), protecting[0] if protecting else None
        )
        if chosen is None:
            if not attack.weaknesses(table(hidden), [first]):
                cleared.add(first)
                continue
            if not choices:
                raise RuntimeError(f"cannot protect {first}: every cell is already hidden")
            exact = {
                c: {(w.area, w.column) for w in attack.weaknesses(table(hidden | {c}), [first, c])}
                for c in choices
            }
            protecting = [c for c in choices if first not in exact[c]]
            chosen = next(
                (c for c in protecting if c not in exact[c]),
                protecting[0] if protecting else choices[0],
            )
        hidden.add(chosen)


def _candidates(cells, hidden, areas, area, column) -> list[tuple[str, str]]:
    """Visible cells to hide for a weak cell, in the order of ``protect_table``'s docstring."""
    visible = [(a, c) for (a, c) in cells if (a, c) not in hidden]
    localities = sorted(
        (cell for cell in visible if cell[1] == column and cell[0] != TOTAL_AREA),
        key=lambda cell: (cells[cell], cell[0]),
    )
    ordered = [cell for cell in localities if cell[0] != area]
    ordered += [cell for cell in visible if cell == (TOTAL_AREA, column) and area != TOTAL_AREA]
    partner = {"numerator": "denominator", "denominator": "numerator"}.get(column)
    ordered += [cell for cell in visible if partner and cell == (area, partner)]
    ordered += sorted(
        (cell for cell in visible if cell not in ordered),
        key=lambda cell: (COUNT_COLUMNS.index(cell[1]), cells[cell], areas.index(cell[0])),
    )
    return ordered


def _small_unallocated(cells, areas) -> bool:
    localities = [a for a in areas if a != TOTAL_AREA]
    if not localities or TOTAL_AREA not in areas:
        return False
    return any(
        is_small(cells[(TOTAL_AREA, col)] - sum(cells[(a, col)] for a in localities))
        for col in COUNT_COLUMNS
    )


def _table(cells, hidden, areas, measure):
    """The table as ``attack`` reads it, for the cells hidden so far."""
    from neglect_warehouse.partnership.pack import attack

    rows = []
    for area in areas:
        row = {"area_code": area, "measure": measure}
        for col in COUNT_COLUMNS:
            row[col] = cells[(area, col)]
            row[f"{col}_shown"] = CONFIDENTIAL if (area, col) in hidden else str(cells[(area, col)])
        n_hidden = (area, "numerator") in hidden
        d_hidden = (area, "denominator") in hidden
        if _value_hidden(measure, cells[(area, "denominator")], n_hidden, d_hidden):
            row["value_shown"] = CONFIDENTIAL
        elif cells[(area, "denominator")] == 0:
            row["value_shown"] = NOT_AVAILABLE
        else:
            scale = 100.0 if measure == "percentage" else 10000.0
            row["value_shown"] = _number(
                scale * cells[(area, "numerator")] / cells[(area, "denominator")]
            )
        rows.append(row)
    return attack.table_of("", None, rows)


def _value_hidden(
    measure: str, denominator: int, numerator_hidden: bool, denominator_hidden: bool
) -> bool:
    """Rule 3: a value is c when a count of it is c, or a percentage's denominator is 1–9."""
    return (
        numerator_hidden
        or denominator_hidden
        or (measure == "percentage" and 0 < denominator < SMALLEST_SHOWN_PERCENTAGE_DENOMINATOR)
    )


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
        elif _missing(comparator):
            shown.append(NOT_AVAILABLE if linked else NOT_APPLICABLE)
        else:
            shown.append(_number(comparator))
    return shown


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
            if not _missing(y):
                links.setdefault(x, set()).add(y)
        return links
    keys = list(zip(indicators, frame["period_end"], frame["area_code"], strict=True))
    values = {key: v for key, v in zip(keys, frame["value"], strict=True) if not _missing(v)}
    comparators: dict[str, list[tuple]] = {}
    for (x, period, area), c in zip(keys, frame["comparator_value"], strict=True):
        if not _missing(c):
            comparators.setdefault(x, []).append((period, area, c))
    links = {}
    for x, pairs in comparators.items():
        for y in sorted(set(indicators) - {x}):
            if all(
                (y, period, area) in values and _same(values[(y, period, area)], c)
                for period, area, c in pairs
            ):
                links.setdefault(x, set()).add(y)
    return links


# --- helpers for the pack and its audit --------------------------------------------------------


def visible_counts(frame: pd.DataFrame) -> Iterator[int]:
    """Every count the frame shows (the integers in the ``*_shown`` count columns)."""
    for col in COUNT_COLUMNS:
        for shown in frame[f"{col}_shown"]:
            n = _shown_int(shown)
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


# --- check -------------------------------------------------------------------------------------


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
    rows = _records(frame, list(dict.fromkeys(wanted)))
    for r in rows:
        where = f"{r['indicator_id']} {r['period_end']} {r['area_code']}"
        for col in COUNT_COLUMNS:
            shown, true = str(r[f"{col}_shown"]), r[col]
            if shown == CONFIDENTIAL:
                continue
            n = _shown_int(shown)
            if n is None:
                problems.append(f"{where}: {col} shown as {shown!r}, not a count or 'c'")
            elif is_small(n):
                problems.append(f"{where}: {col} shows {n}, a count from 1 to 5")
            elif _missing(true) or n != int(true):
                problems.append(f"{where}: {col} shows {n} but the count is {true}")

        for col in STATISTIC_COLUMNS:
            text = str(r[f"{col}_shown"])
            number = _shown_float(text)
            if text not in (CONFIDENTIAL, NOT_AVAILABLE) and (
                number is None or not math.isfinite(number)
            ):
                problems.append(f"{where}: {col} shown as {text!r}, not a number, 'c' or 'x'")
        if any(_missing(r[col]) for col in COUNT_COLUMNS):
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
                if _shown_float(r[f"{col}_shown"]) is not None:
                    problems.append(f"{where}: {col} shown as a number on denominator 0")
        value_hidden = str(r["value_shown"]) == CONFIDENTIAL
        for col in (*STATISTIC_COLUMNS[1:], *LABEL_COLUMNS):
            key = f"{col}_shown"
            if value_hidden and key in r and str(r[key]) != CONFIDENTIAL:
                problems.append(f"{where}: {col} shown as {r[key]!r} but the value is c")

    if not any(_missing(r[col]) for r in rows for col in COUNT_COLUMNS):
        problems += _check_groups(rows)
        problems += _check_identical_counts(rows)
        if not problems:  # the attack needs a consistent frame
            from neglect_warehouse.partnership.pack import attack

            problems += [f"attack: {w}" for w in attack.attack(frame)]
    if "comparator_value_shown" in frame.columns:
        problems += _check_comparators(rows, comparator_links(frame))
    return problems


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


# --- small helpers -----------------------------------------------------------------------------


def _missing(v) -> bool:
    if v is None:
        return True
    try:
        return bool(v != v)  # NaN, NaT
    except TypeError:  # pandas.NA
        return True


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """The rows as dicts of plain Python values (faster than ``to_dict("records")``)."""
    lists = [frame[c].tolist() for c in columns]
    return [dict(zip(columns, values, strict=True)) for values in zip(*lists, strict=True)]


def _count(n, column: str) -> int:
    if _missing(n) or float(n) != int(n) or int(n) < 0:
        raise ValueError(f"disclosure.apply: {column} must be an integer ≥ 0, not {n!r}")
    return int(n)


def _number(v) -> str:
    return NOT_AVAILABLE if _missing(v) else f"{float(v):.1f}"


def _same(a, b) -> bool:
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


def _shown_int(shown) -> int | None:
    shown = str(shown)
    return int(shown) if shown.isdigit() else None


def _shown_float(shown) -> float | None:
    try:
        return float(shown)
    except (TypeError, ValueError):
        return None
