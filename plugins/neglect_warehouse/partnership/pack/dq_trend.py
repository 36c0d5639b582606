"""The trend across an agency's deliveries in its data quality report: whether a figure is
better, worse or the same as before, at the precision the report shows it, and the rows of
the trend tables and the series of the small charts (drawn by dq_render.py)."""

from __future__ import annotations

from dataclasses import dataclass

from neglect_warehouse.partnership.pack.dq_words import (
    TREND_MEASURES,
    Measure,
    delivery_label,
    measure_text,
    state_label,
)
from neglect_warehouse.partnership.pack.formats import count, date


def _comparable(measure_kind: str, value):
    """The value at the precision the report shows it, so that "better" or "worse" is never
    claimed for a difference the reader cannot see."""
    if value is None:
        return None
    if measure_kind in ("pct", "share"):
        return round(float(value), 1)
    return value


def compare(value, previous, better: str, kind: str = "count") -> str | None:
    """``better``, ``worse`` or ``same`` against the previous value; None when either is
    unknown."""
    value, previous = _comparable(kind, value), _comparable(kind, previous)
    if value is None or previous is None:
        return None
    if value == previous:
        return "same"
    return "better" if (value < previous) == (better == "lower") else "worse"


@dataclass
class Change:
    """How a value moved since the previous delivery that has one."""

    direction: str | None  # better, worse, same, or None (nothing to compare with)
    arrow: str  # ▲ value went up, ▼ down, = same, "" none
    previous: str  # the previous value as shown
    previous_label: str  # e.g. "delivery 1 (30 September 2026)"

    @property
    def words(self) -> str:
        return self.direction or ""


def no_change() -> Change:
    """Nothing to compare with."""
    return Change(None, "", "", "")


def change(value, previous, better: str, kind: str, shown_previous: str, label: str) -> Change:
    direction = compare(value, previous, better, kind)
    if direction is None:
        return no_change()
    a, b = _comparable(kind, value), _comparable(kind, previous)
    arrow = "=" if a == b else ("▲" if a > b else "▼")
    return Change(direction, arrow, shown_previous, label)


def measure_change(measure: Measure, d: dict, previous: dict | None) -> Change:
    """``d``'s figure against ``previous``'s (a delivery with the figure, or None)."""
    if previous is None:
        return no_change()
    return change(
        d.get(measure.key),
        previous[measure.key],
        measure.better,
        measure.kind,
        measure_text(measure, previous),
        delivery_label(previous),
    )


def previous_with(trend: list[dict], index: int, key: str) -> dict | None:
    """The latest delivery before ``trend[index]`` that has the figure ``key``."""
    for d in reversed(trend[:index]):
        if d.get(key) is not None:
            return d
    return None


def trend_rows(trend: list[dict]) -> list[dict]:
    """One row per delivery, oldest first, the last one selected."""
    rows = []
    for i, d in enumerate(trend):
        cells = [
            {
                "key": m.key,
                "group": m.group,
                "text": measure_text(m, d),
                "value": d.get(m.key),
                "change": measure_change(m, d, previous_with(trend, i, m.key)),
            }
            for m in TREND_MEASURES
        ]
        rows.append(
            {
                "number": d["delivery_number"],
                "delivery_id": d["delivery_id"],
                "extract_date": date(d["extract_date"], short=True),
                "arrived": date(d["arrived_at"], short=True),
                "state": d["state"],
                "state_words": state_label(d["state"]),
                "is_selected": False,
                "is_current": bool(d["is_current"]),
                "rows_in": count(d["rows_in"]),
                "cells": cells,
            }
        )
    if rows:
        rows[-1]["is_selected"] = True
    return rows


def sparks(trend: list[dict]) -> list[dict]:
    """Per measure measured at least once: the latest figure, its change, and the series of
    every delivery's value (None: not measured) for a small chart."""
    if not trend:
        return []
    out = []
    latest, i = trend[-1], len(trend) - 1
    for m in TREND_MEASURES:
        values = [d.get(m.key) for d in trend]
        if all(v is None for v in values):
            continue
        prev = previous_with(trend, i, m.key)
        out.append(
            {
                "key": m.key,
                "label": m.label,
                "help": m.help,
                "text": measure_text(m, latest),
                "last_known": ""
                if latest.get(m.key) is not None or prev is None
                else f"not measured; {measure_text(m, prev)} at {delivery_label(prev)}",
                "series": [None if v is None else round(float(v), 2) for v in values],
                "change": measure_change(m, latest, prev),
                "better": m.better,
            }
        )
    return out
