"""Inline SVG charts for the report: an indicator's monthly values (partnership) with their
95% interval as a shaded band, the target as a dashed line and the national comparator as a
dotted line. No JavaScript and no external files, so the report opens anywhere and prints to
PDF as drawn. Suppressed or unavailable months are gaps.
"""

from __future__ import annotations

import math
from html import escape

WIDTH, HEIGHT = 330, 130
LEFT, RIGHT, TOP, BOTTOM = 38, 10, 10, 24
VALUE = "#1d4e89"
BAND = "#c6d7ec"
TARGET = "#b5482a"
COMPARATOR = "#5b7f3a"


def _number(value) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _bound(point: dict, key: str) -> float:
    """An interval bound of a month the chart shows (its value and upper bound are present;
    the lower bound is present with the upper)."""
    bound = _number(point[key])
    assert bound is not None, f"{point.get('label')}: no {key} bound"
    return bound


def _nice_max(top: float, percentage: bool) -> float:
    if top <= 0:
        return 1.0
    step = 10 ** math.floor(math.log10(top))
    nice = next(m * step for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * step >= top)
    return min(nice, 100.0) if percentage else nice


def indicator_chart(points: list[dict], target=None, comparator=None, unit: str = "%") -> str:
    """``points``: one per month, oldest first, with ``label`` (e.g. 'Oct 25'), ``value``,
    ``lower``, ``upper`` (None when suppressed or not available)."""
    values = [_number(p["value"]) for p in points]
    uppers = [_number(p["upper"]) for p in points]
    lines = [_number(target), _number(comparator)]
    top = max([v for v in values + uppers + lines if v is not None] or [1.0])
    y_max = _nice_max(top * 1.05, unit == "%")
    n = max(len(points), 2)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + plot_w * i / (n - 1)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / y_max)

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        'role="img" xmlns="http://www.w3.org/2000/svg">'
    ]
    for k in range(5):  # gridlines and axis labels
        v = y_max * k / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            'stroke="#e3e3e3" stroke-width="1"/>'
            f'<text x="{LEFT - 4}" y="{y(v) + 3:.1f}" text-anchor="end" font-size="9" '
            f'fill="#555">{v:g}{escape(unit) if unit == "%" else ""}</text>'
        )
    for i, p in enumerate(points):  # every sixth month labelled
        if i % 6 == 0 or i == len(points) - 1:
            anchor = "end" if i == len(points) - 1 else "start" if i == 0 else "middle"
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}" font-size="9" '
                f'fill="#555">{escape(p["label"])}</text>'
            )
    # the 95% interval: one polygon per run of visible months
    run: list[int] = []
    for i in range(len(points) + 1):
        visible = i < len(points) and values[i] is not None and uppers[i] is not None
        if visible:
            run.append(i)
            continue
        if run:
            upper = [(x(j), y(_bound(points[j], "upper"))) for j in run]
            lower = [(x(j), y(_bound(points[j], "lower"))) for j in reversed(run)]
            if len(run) == 1:
                (ux, uy), (lx, ly) = upper[0], lower[0]
                parts.append(
                    f'<line x1="{ux:.1f}" x2="{lx:.1f}" y1="{uy:.1f}" y2="{ly:.1f}" '
                    f'stroke="{BAND}" stroke-width="4"/>'
                )
            else:
                coords = " ".join(f"{a:.1f},{b:.1f}" for a, b in upper + lower)
                parts.append(f'<polygon points="{coords}" fill="{BAND}" stroke="none"/>')
            run = []
    for line, colour, dash, name in (
        (lines[0], TARGET, "6 3", "target"),
        (lines[1], COMPARATOR, "2 3", "comparator"),
    ):
        if line is not None:
            parts.append(
                f'<line class="{name}" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(line):.1f}" '
                f'y2="{y(line):.1f}" stroke="{colour}" stroke-width="1.5" '
                f'stroke-dasharray="{dash}"/>'
            )
    path, pen_down = [], False
    for i, month_value in enumerate(values):
        if month_value is None:
            pen_down = False
            continue
        path.append(f"{'L' if pen_down else 'M'}{x(i):.1f},{y(month_value):.1f}")
        pen_down = True
    if path:
        parts.append(
            f'<path class="values" d="{" ".join(path)}" fill="none" stroke="{VALUE}" '
            'stroke-width="2"/>'
        )
    last = next((i for i, v in reversed(list(enumerate(values))) if v is not None), None)
    last_value = values[last] if last is not None else None
    if last is not None and last_value is not None:
        parts.append(f'<circle cx="{x(last):.1f}" cy="{y(last_value):.1f}" r="3" fill="{VALUE}"/>')
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#999"/>'
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" '
        'stroke="#999"/></svg>'
    )
    return "".join(parts)
