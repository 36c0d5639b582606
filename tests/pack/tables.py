"""Indicator tables for the disclosure tests: one row by hand, or random tables (Hypothesis)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import strategies as st

PERIOD = dt.date(2025, 3, 31)


def row(area, numerator, denominator, excluded=0, indicator="S01", measure="percentage", **more):
    scale = 100.0 if measure == "percentage" else 10000.0
    value = None if denominator == 0 else scale * numerator / denominator
    return {
        "indicator_id": indicator,
        "period_end": more.pop("period_end", PERIOD),
        "area_code": area,
        "measure": measure,
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "lower_95": None if value is None else max(value - 1.0, 0.0),
        "upper_95": None if value is None else value + 1.0,
        "excluded_records": excluded,
        "significance": "SIMILAR" if value is not None else "NOT_COMPARED",
        "target_status": "MET" if value is not None else "NOT_ASSESSED",
        "comparator_value": None,
        **more,
    }


@st.composite
def tables(draw) -> pd.DataFrame:
    """1–3 indicators × 1–3 periods, ALL and 2–6 localities, counts 0–40; ALL is the sum of the
    localities, or (some groups) more than it, as when units have no locality."""
    n = draw(st.integers(2, 6))  # localities
    count, few = st.integers(0, 40), st.integers(0, 8)
    rows = []
    for i in range(draw(st.integers(1, 3))):
        measure = draw(st.sampled_from(["percentage", "rate"]))
        for p in range(draw(st.integers(1, 3))):
            period = dt.date(2025, 1 + p, 28)
            drawn = draw(st.lists(st.tuples(count, count, count), min_size=n, max_size=n))
            cells = []
            for k, (a, b, excluded) in enumerate(drawn):
                num, den = sorted((a, b)) if measure == "percentage" else (a, b)
                cells.append((f"L{k + 1}", num, den, excluded))
            # units without a locality count in ALL only: excluded records often, others less
            extra_num, extra_den = draw(st.just((0, 0)) | st.tuples(few, few).map(sorted))
            extra_excluded = draw(st.integers(0, 10))
            total = (
                "ALL",
                sum(c[1] for c in cells) + extra_num,
                sum(c[2] for c in cells) + extra_den,
                sum(c[3] for c in cells) + extra_excluded,
            )
            for area, num, den, excluded in [total, *cells]:
                rows.append(row(area, num, den, excluded, f"I{i}", measure, period_end=period))
    frame = pd.DataFrame(rows)
    return frame.sample(frac=1, random_state=draw(st.integers(0, 1000))).reset_index(drop=True)
