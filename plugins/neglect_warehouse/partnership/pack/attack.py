"""The attacker of the board pack's indicator tables (outputs.md §3; docs/disclosure.md).

A published table is one indicator's month: the partnership row (``ALL``) and, for indicators
with a locality breakdown, one row per locality, each with a numerator, a denominator, excluded
records (each a count or ``c``) and a value (a number to one decimal place, ``c`` or ``x``).
The attacker reads only what is shown, writes down every public relation between the cells
and asks an integer linear program (SciPy's HiGHS, ``scipy.optimize.milp``) for the smallest
and largest value each suppressed cell can take. A suppressed cell is *protected* when it keeps
at least ``PROTECTION`` feasible values: a protection interval, not merely "not exact".

The relations (a worst case: the attacker knows everything the pack says and more):

- every count is an integer ≥ 0, and a shown count is exact;
- for each count column, ``ALL = Σ localities + unallocated``, where *unallocated* (units
  counted in ALL that have no locality; usually 0) is **known to the attacker exactly**;
- a percentage's numerator is at most its denominator;
- a shown value ``v`` pins the ratio: ``v − 0.05 ≤ scale × numerator / denominator ≤ v + 0.05``
  (scale 100 for a percentage, 10,000 for a rate), written linearly in both counts;
- a value shown as ``x`` (not available) says the denominator is 0.

The unallocated part is itself a count of children or events: when it is from 1 to 5 it must
be protected too, against an attacker who does *not* know it (it is then a free integer ≥ 0).

Not modelled, because the pack never shows them beside a suppressed count (``disclosure.check``
enforces it): the 95% interval, significance, target status and a comparator that is another
indicator's value all go with the value, and a value is shown only when both its counts are.
Relations *between* tables (identical counts in two indicators, overlapping windows in
successive months) are out of this model: docs/disclosure.md says how each is handled.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

PROTECTION = 3  # feasible values every suppressed cell must keep
TOTAL_AREA = "ALL"
COUNT_COLUMNS = ("numerator", "denominator", "excluded_records")
HIDDEN = "c"
NOT_AVAILABLE = "x"
SCALE = {"percentage": 100.0, "rate": 10000.0}
ROUNDING = 0.05 + 1e-9  # a value shown to one decimal place is within this of the truth
UNALLOCATED = "unallocated"  # the area name used for the part of ALL with no locality


@dataclass
class Table:
    """One published table as its reader sees it, plus what a worst-case attacker knows
    (``unallocated``: count column → ALL minus the sum of the localities)."""

    indicator_id: str
    period_end: object
    measure: str
    shown: dict[str, dict[str, str]]  # area → column → shown text (counts and "value")
    unallocated: dict[str, int] = field(default_factory=dict)
    # the true counts, when known (the pack's own audit): they only speed the attack up, by
    # showing feasible values without a solver; they never make a cell look protected
    truth: dict[tuple[str, str], int] | None = None

    @property
    def localities(self) -> list[str]:
        return sorted(a for a in self.shown if a != TOTAL_AREA)

    def hidden(self) -> list[tuple[str, str]]:
        return [
            (area, column)
            for area in self.shown
            for column in COUNT_COLUMNS
            if self.shown[area][column] == HIDDEN
        ]


@dataclass(frozen=True)
class Weakness:
    """A suppressed cell (``area`` ``UNALLOCATED`` for the part of ALL with no locality) that
    keeps fewer than ``PROTECTION`` feasible values: ``low``..``high`` as found."""

    indicator_id: str
    period_end: object
    area: str
    column: str
    low: int
    high: int

    def __str__(self) -> str:
        where = f"{self.indicator_id} {self.period_end} {self.column} of {self.area}"
        if self.low == self.high:
            return f"{where} is c but can be worked out exactly: {self.low}"
        return (
            f"{where} is c but can be narrowed down to {self.low}..{self.high} "
            f"(fewer than {PROTECTION} possible values)"
        )


class _Model:
    """The integer program of one table: a variable per suppressed cell (and, for the second
    attacker, per unknown unallocated part), rows ``lower ≤ A·x ≤ upper``."""

    def __init__(self, table: Table, free_unallocated: Iterable[str] = ()):
        self.table = table
        self.variables: list[tuple[str, str]] = table.hidden()
        free = [c for c in free_unallocated if table.localities]
        self.variables += [(UNALLOCATED, c) for c in free]
        self.index = {v: i for i, v in enumerate(self.variables)}
        self.rows: list[tuple[dict[int, float], float, float]] = []
        self.ratio_rows = False
        self._sums(set(free))
        self._ratios()

    def truth_vector(self) -> list[float] | None:
        """The true value of every variable, when the table carries the truth."""
        if self.table.truth is None:
            return None
        return [
            float(
                self.table.unallocated[column]
                if area == UNALLOCATED
                else self.table.truth[(area, column)]
            )
            for area, column in self.variables
        ]

    def term(self, area: str, column: str) -> tuple[int | None, float]:
        """(variable index, None) or (None, the shown count)."""
        if (area, column) in self.index:
            return self.index[(area, column)], 0.0
        return None, float(self.table.shown[area][column])

    def _add(self, terms: list[tuple[tuple[int | None, float], float]], lower, upper) -> None:
        """Σ coefficient × term within [lower, upper]; shown counts move to the bounds."""
        coefficients: dict[int, float] = {}
        constant = 0.0
        for (var, value), coefficient in terms:
            if var is None:
                constant += coefficient * value
            else:
                coefficients[var] = coefficients.get(var, 0.0) + coefficient
        if coefficients:
            self.rows.append((coefficients, lower - constant, upper - constant))
        elif not lower - 1e-9 <= constant <= upper + 1e-9:
            raise self.contradiction()

    def _sums(self, free: set[str]) -> None:
        if not self.table.localities:
            return
        for column in COUNT_COLUMNS:
            terms = [(self.term(TOTAL_AREA, column), 1.0)]
            terms += [(self.term(a, column), -1.0) for a in self.table.localities]
            if column in free:
                terms.append(((self.index[(UNALLOCATED, column)], 0.0), -1.0))
                self._add(terms, 0.0, 0.0)
            else:
                known = float(self.table.unallocated.get(column, 0))
                self._add(terms, known, known)

    def _ratios(self) -> None:
        scale = SCALE[self.table.measure]
        for area, shown in self.table.shown.items():
            n = self.term(area, "numerator")
            d = self.term(area, "denominator")
            if self.table.measure == "percentage":
                self._add([(n, 1.0), (d, -1.0)], -math.inf, 0.0)  # numerator ≤ denominator
            value = shown.get("value", HIDDEN)
            if value == NOT_AVAILABLE:
                self._add([(d, 1.0)], 0.0, 0.0)
                continue
            number = _float(value)
            if number is None:
                continue
            # scale·n − (v ± rounding)·d within [0 − , 0 +]: two rows, linear in n and d
            self._add([(n, scale), (d, -(number + ROUNDING))], -math.inf, 0.0)
            self._add([(n, scale), (d, -(number - ROUNDING))], 0.0, math.inf)
            self.ratio_rows = self.ratio_rows or n[0] is not None or d[0] is not None

    def contradiction(self) -> ValueError:
        return ValueError(
            f"{self.table.indicator_id} {self.table.period_end}: what the table shows "
            "contradicts itself, so it cannot be attacked"
        )

    def solve(self, objective: dict[int, float], fixed: tuple[int, float] | None = None):
        """The optimum of Σ objective·x (minimised), or None when unbounded; raises when the
        table is infeasible (what is shown contradicts itself: a bug, never an attack)."""
        import numpy as np
        from scipy.optimize import Bounds, LinearConstraint, milp

        size = len(self.variables)
        rows = list(self.rows)
        if fixed is not None:
            rows.append(({fixed[0]: 1.0}, fixed[1], fixed[1]))
        c = np.zeros(size)
        for var, coefficient in objective.items():
            c[var] = coefficient
        constraints = []
        if rows:
            a = np.zeros((len(rows), size))
            for r, (coefficients, _, _) in enumerate(rows):
                for var, coefficient in coefficients.items():
                    a[r, var] = coefficient
            constraints.append(
                LinearConstraint(a, [lo for _, lo, _ in rows], [hi for _, _, hi in rows])
            )
        for presolve in (True, False):
            result = milp(
                c,
                integrality=np.ones(size),
                bounds=Bounds(np.zeros(size), np.full(size, np.inf)),
                constraints=constraints,
                options={"presolve": presolve},
            )
            if result.status != 4:
                break  # else presolve could not tell unbounded from infeasible: once without
        if result.status == 3:  # unbounded
            return None
        if result.status == 2:  # infeasible
            if fixed is not None:
                return math.nan
            raise self.contradiction()
        if result.status != 0:
            raise RuntimeError(f"the attack's solver failed: {result.message}")
        return float(result.fun)

    def satisfied(self, x: list[float]) -> bool:
        return all(v >= 0 for v in x) and all(
            lower - 1e-9 <= sum(c * x[var] for var, c in coefficients.items()) <= upper + 1e-9
            for coefficients, lower, upper in self.rows
        )

    def shown_protected(self, k: int, truth: list[float]) -> bool:
        """True when moving the truth along ``k`` and one other variable (by ±1 or ±2, in
        either direction) gives feasible points with PROTECTION − 1 other values of ``k``: a
        cheap proof by example, so the solver runs only where it might fail."""
        values = {truth[k]}
        for j in range(len(truth)):
            for sign in (1.0, -1.0) if j != k else (0.0,):
                for step in (1.0, -1.0, 2.0, -2.0):
                    if truth[k] + step in values:
                        continue
                    x = list(truth)
                    x[k] += step
                    if j != k:
                        x[j] += sign * step
                    if self.satisfied(x):
                        values.add(x[k])
                        if len(values) >= PROTECTION:
                            return True
        return False

    def weakness(
        self, variable: tuple[str, str], truth: list[float] | None = None
    ) -> tuple[int, int] | None:
        """(low, high) when the variable keeps fewer than PROTECTION feasible values."""
        k = self.index[variable]
        if truth is not None and self.shown_protected(k, truth):
            return None
        low = self.solve({k: 1.0})
        negative_high = self.solve({k: -1.0})
        if negative_high is None:  # unbounded above: infinitely many values
            return None
        low_i, high_i = round(low), round(-negative_high)
        if high_i - low_i + 1 < PROTECTION:
            return low_i, high_i
        if not self.ratio_rows:
            # Without ratio rows the constraint matrix is totally unimodular (every variable
            # is in one sum row and at most one numerator ≤ denominator row, with signs that
            # split the rows in two): every integer between low and high is feasible.
            return None
        found = 2  # low and high themselves
        for middle in range(low_i + 1, high_i):
            if not math.isnan(self.solve({}, fixed=(k, float(middle)))):
                found += 1
                if found >= PROTECTION:
                    return None
            if middle - low_i > 20:
                break
        return low_i, high_i


def _examined(table: Table, cells) -> list[tuple[_Model, tuple[str, str]]]:
    """(model, variable) for every suppressed cell — under the attacker who knows the
    unallocated parts — and every unallocated part from 1 to 5, under the one who does not;
    ``cells`` limits them to those (area, column) pairs."""
    wanted = None if cells is None else set(cells)
    pairs = []
    if table.hidden():
        model = _Model(table)
        pairs += [(model, v) for v in model.variables if wanted is None or v in wanted]
    small = [
        c
        for c in COUNT_COLUMNS
        if table.localities
        and 0 < table.unallocated.get(c, 0) < 6
        and (wanted is None or (UNALLOCATED, c) in wanted)
    ]
    if small:
        model = _Model(table, free_unallocated=small)
        pairs += [(model, (UNALLOCATED, c)) for c in small]
    return pairs


def weaknesses(table: Table, cells: Iterable[tuple[str, str]] | None = None) -> list[Weakness]:
    """Every suppressed cell of ``table`` (and unallocated part from 1 to 5) that keeps fewer
    than ``PROTECTION`` feasible values; [] means the table resists the attack. ``cells``
    limits the search to those (area, column) pairs (``UNALLOCATED`` for the parts)."""
    found = []
    truths: dict[int, list[float] | None] = {}
    for model, variable in _examined(table, cells):
        truth = truths.setdefault(id(model), model.truth_vector())
        narrowed = model.weakness(variable, truth)
        if narrowed is not None:
            found.append(Weakness(table.indicator_id, table.period_end, *variable, *narrowed))
    return found


def unproven(table: Table, cells: Iterable[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """The cells ``weaknesses`` would examine whose protection the cheap proof by example
    (``_Model.shown_protected``) cannot show: a superset of the weak cells, found without the
    solver, for a table that carries the truth. The protecting side tries many candidate
    cells with it, and confirms with ``weaknesses``."""
    if table.truth is None:
        raise ValueError("unproven needs the true counts")
    found = []
    truths: dict[int, list[float] | None] = {}
    for model, variable in _examined(table, cells):
        truth = truths.setdefault(id(model), model.truth_vector())
        assert truth is not None  # the table carries the truth (checked above)
        if not model.shown_protected(model.index[variable], truth):
            found.append(variable)
    return found


def tables(frame: pd.DataFrame) -> Iterator[Table]:
    """The published tables of a frame made by ``disclosure.apply`` (the ``*_shown`` strings),
    each with the unallocated parts computed from the true counts."""
    columns = ["indicator_id", "period_end", "area_code", "measure", *COUNT_COLUMNS]
    columns += [f"{c}_shown" for c in (*COUNT_COLUMNS, "value")]
    lists = [frame[c].tolist() for c in columns]
    grouped: dict[tuple, list[dict]] = {}
    for values in zip(*lists, strict=True):
        r = dict(zip(columns, values, strict=True))
        grouped.setdefault((r["indicator_id"], r["period_end"]), []).append(r)
    for (indicator, period), rows in grouped.items():
        yield table_of(indicator, period, rows)


def table_of(indicator: str, period, rows: list[dict]) -> Table:
    """A table from rows holding ``area_code``, ``measure``, the true counts and the
    ``*_shown`` strings."""
    shown = {
        r["area_code"]: {
            **{c: str(r[f"{c}_shown"]) for c in COUNT_COLUMNS},
            "value": str(r["value_shown"]),
        }
        for r in rows
    }
    unallocated = {}
    total = [r for r in rows if r["area_code"] == TOTAL_AREA]
    if total and len(rows) > 1:
        for c in COUNT_COLUMNS:
            unallocated[c] = int(total[0][c]) - sum(
                int(r[c]) for r in rows if r["area_code"] != TOTAL_AREA
            )
    truth = {(r["area_code"], c): int(r[c]) for r in rows for c in COUNT_COLUMNS}
    return Table(indicator, period, rows[0]["measure"], shown, unallocated, truth)


def attack(frame: pd.DataFrame) -> list[Weakness]:
    """Every weakness of every table of an applied frame."""
    return [w for table in tables(frame) for w in weaknesses(table)]


def _float(text: str) -> float | None:
    try:
        number = float(text)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
