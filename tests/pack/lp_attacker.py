"""An attacker written for the tests, independently of ``pack/attack.py``: a linear program
(SciPy's HiGHS, ``scipy.optimize.linprog``) over what one published table shows, bounding
every suppressed cell. It reads only the published strings, plus the part of ALL that is in no
locality (the worst case: the reader knows it).

Relations: counts are ≥ 0; ALL = Σ localities + unallocated, per count column; a percentage's
numerator ≤ its denominator; a shown value pins numerator / denominator within its rounding;
a value shown as ``x`` means the denominator is 0. Without shown values beside hidden counts
the system is totally unimodular, so the linear program's bounds are integers and every
integer between them is feasible: a cell keeps ``high − low + 1`` values (or infinitely many).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

COUNTS = ("numerator", "denominator", "excluded_records")


def bounds_of_hidden(
    rows: list[dict], measure: str, unallocated: dict[str, int], free: tuple[str, ...] = ()
) -> dict:
    """(area, column) → (low, high) for every ``c`` count of one table; ``high`` is inf when
    unbounded. ``rows``: one dict per area with ``area_code``, the three counts and ``value``
    as published (strings). The unallocated parts of the ``free`` columns are unknown to
    this reader, and bounded too (area ``unallocated``)."""
    unknown = [(r["area_code"], c) for r in rows for c in COUNTS if r[c] == "c"]
    unknown += [("unallocated", c) for c in free]
    if not unknown:
        return {}
    at = {cell: k for k, cell in enumerate(unknown)}
    by_area = {r["area_code"]: r for r in rows}
    equalities, equal_to, inequalities, at_most = [], [], [], []

    def linear(terms):
        """Σ coefficient·cell as (coefficients over the unknowns, constant part)."""
        a, constant = np.zeros(len(unknown)), 0.0
        for (area, column), coefficient in terms:
            if (area, column) in at:
                a[at[(area, column)]] += coefficient
            else:
                constant += coefficient * float(by_area[area][column])
        return a, constant

    localities = [a for a in by_area if a != "ALL"]
    if localities:
        for column in COUNTS:
            terms = [(("ALL", column), 1.0)] + [((x, column), -1.0) for x in localities]
            known = 0.0 if column in free else unallocated[column]
            if column in free:
                terms.append((("unallocated", column), -1.0))
            a, constant = linear(terms)
            equalities.append(a)
            equal_to.append(known - constant)
    scale = 100.0 if measure == "percentage" else 10000.0
    for area, r in by_area.items():
        if measure == "percentage":
            a, constant = linear([((area, "numerator"), 1.0), ((area, "denominator"), -1.0)])
            inequalities.append(a)
            at_most.append(-constant)
        if r["value"] == "x":
            a, constant = linear([((area, "denominator"), 1.0)])
            equalities.append(a)
            equal_to.append(-constant)
        elif r["value"] not in ("c", ""):
            v = float(r["value"])
            for bound, sign in ((v + 0.05, 1.0), (v - 0.05, -1.0)):
                a, constant = linear(
                    [((area, "numerator"), scale * sign), ((area, "denominator"), -bound * sign)]
                )
                inequalities.append(a)
                at_most.append(-constant + 1e-9)

    found = {}
    for cell, k in at.items():
        ends = []
        for direction in (1.0, -1.0):
            c = np.zeros(len(unknown))
            c[k] = direction
            result = linprog(
                c,
                A_ub=np.array(inequalities) if inequalities else None,
                b_ub=at_most or None,
                A_eq=np.array(equalities) if equalities else None,
                b_eq=equal_to or None,
                bounds=(0, None),
                method="highs",
            )
            assert result.status in (0, 3), f"{cell}: {result.message}"
            ends.append(np.inf if result.status == 3 else direction * result.fun)
        found[cell] = (ends[0], ends[1])
    return found


def recoverable(frame, published_columns=("numerator", "denominator", "excluded_records")):
    """Every suppressed cell of an applied frame (``disclosure.apply``) that keeps fewer than 3
    feasible values, as text; read from the ``*_shown`` strings and the true counts."""
    problems = []
    for (indicator, period), group in frame.groupby(["indicator_id", "period_end"], sort=False):
        rows = []
        unallocated = {}
        total = group[group.area_code == "ALL"]
        others = group[group.area_code != "ALL"]
        for column in COUNTS:
            unallocated[column] = int(total[column].sum()) - int(others[column].sum())
        for r in group.itertuples():
            shown = {c: str(getattr(r, f"{c}_shown")) for c in published_columns}
            rows.append({"area_code": r.area_code, **shown, "value": str(r.value_shown)})
        measure = group["measure"].iloc[0]
        found = bounds_of_hidden(rows, measure, unallocated)
        if len(group) > 1:  # a small unallocated part, to a reader who does not know it
            small = tuple(c for c in COUNTS if 1 <= unallocated[c] <= 5)
            if small:
                both = bounds_of_hidden(rows, measure, unallocated, free=small)
                found.update({cell: b for cell, b in both.items() if cell[0] == "unallocated"})
        for (area, column), (low, high) in found.items():
            if high - low < 2 - 1e-6:
                problems.append(f"{indicator} {period} {column} of {area}: {low:g}..{high:g}")
    return problems
