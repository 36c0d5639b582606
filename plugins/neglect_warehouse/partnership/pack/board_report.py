"""The board report: one HTML file (summary, one page per theme with a chart per indicator,
data quality), printed to PDF by headless Chromium. Made from a ``Pack`` only."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from neglect_warehouse.partnership.pack import formats, words
from neglect_warehouse.partnership.pack.charts import indicator_chart
from neglect_warehouse.partnership.pack.content import Pack, months_before
from neglect_warehouse.shared import contract


def _value_text(row, indicator) -> str:
    if row is None:
        return words.NOT_AVAILABLE
    value = words.shown(row, "value")
    if value in (words.SUPPRESSED, words.NOT_AVAILABLE):
        return value
    return f"{value}%" if indicator["measure"] == "percentage" else f"{value} per 10,000"


def _interval_text(row) -> str:
    if row is None or not words.is_visible(row):
        return ""
    return f"(95% interval {words.shown(row, 'lower_95')} to {words.shown(row, 'upper_95')})"


def _row_at(series, period_end):
    match = series[series.period_end == period_end]
    return None if match.empty else match.iloc[0]


def _classes(row, text: str) -> str:
    if row is None or not words.is_visible(row):
        return ""
    if text.startswith(("Meets", "Better")):
        return "good"
    if text.startswith(("Misses", "Worse")):
        return "bad"
    return ""


def context(pack: Pack) -> dict:
    months = [months_before(pack.period_end, n) for n in range(23, -1, -1)]
    summary, themes = [], []
    cards_by_theme: dict[str, list] = {key: [] for key in pack.themes}
    for _, indicator in pack.indicators.iterrows():
        series = pack.series(indicator["indicator_id"])
        now = _row_at(series, pack.period_end)
        year_ago = _row_at(series, months_before(pack.period_end, 12))
        target = words.target_text(now, indicator) if now is not None else "No value this month"
        comparison = words.comparison_text(now, indicator) if now is not None else "Not compared"
        direction = words.direction_text(now, year_ago, indicator)
        value = _value_text(now, indicator)
        summary.append(
            {
                "id": indicator["indicator_id"],
                "title": indicator["title"],
                "value": value,
                "target": target,
                "target_class": _classes(now, target),
                "comparison": comparison,
                "comparison_class": _classes(now, comparison),
                "direction": direction,
            }
        )
        points = []
        for month in months:
            row = _row_at(series, month)
            visible = row is not None and words.is_visible(row)
            points.append(
                {
                    "label": formats.month(month, two_digit_year=True),
                    "value": row["value"] if visible else None,
                    "lower": row["lower_95"] if visible else None,
                    "upper": row["upper_95"] if visible else None,
                }
            )
        comparator = indicator["comparator_value"]
        if indicator["comparator_indicator_id"] == "H03A" and now is not None:
            comparator = (
                now["comparator_value"]
                if words.is_visible(now)
                and str(now["comparator_value_shown"]) not in ("c", "x", "z")
                else None
            )
        cards_by_theme[indicator["theme"]].append(
            {
                "id": indicator["indicator_id"],
                "title": indicator["title"],
                "chart": indicator_chart(
                    points,
                    target=indicator["target_value"],
                    comparator=comparator,
                    unit="%" if indicator["measure"] == "percentage" else "",
                ),
                "value": value,
                "interval": _interval_text(now),
                "target": target,
                "comparison": comparison,
                "direction": direction,
            }
        )
    for key, theme in pack.themes.items():
        themes.append({"key": key, "title": theme.title, "cards": cards_by_theme[key]})
    agencies = []
    for a in pack.agencies:
        agencies.append(
            {
                "name": contract.agency_name(a["agency"]),
                "extract_date": formats.date(
                    a["extract_date"], short=True, zero_pad=True, missing=""
                ),
                "state": contract.DeliveryState(a["state"]).label.lower(),
                "days": a["days_extract_to_arrival"],
                "rows_in": formats.count(a["rows_in"], missing=""),
                "rows_rejected": formats.count(a["rows_rejected"], missing=""),
                "breaches": formats.count(a["consistency_breaches"], missing=""),
                "linked": _pct(a["persons_linked_to_csc_child_pct"]),
                "tokened": _pct(a["persons_with_person_token_pct"]),
            }
        )
    return {
        "messages": key_messages(summary),
        "title": pack.title,
        "period_end_long": formats.date(pack.period_end, zero_pad=True),
        "made_at": pack.made_at,
        "indicator_count": len(pack.indicators),
        "summary": summary,
        "changes": words.what_changed(pack),
        "themes": themes,
        "agencies": agencies,
    }


def key_messages(summary: list[dict]) -> list[str]:
    """Three or four sentences a board member reads first."""
    targeted = [r for r in summary if r["target_class"]]
    met = [r for r in targeted if r["target_class"] == "good"]
    messages = []
    if targeted:
        missed = ", ".join(r["id"] for r in targeted if r["target_class"] == "bad")
        messages.append(
            f"{len(met)} of the {len(targeted)} indicators with a target this month meet it"
            + (f"; missed: {missed}." if missed else ".")
        )
    compared = [r for r in summary if r["comparison"].split(" ")[0] in COMPARED_WORDS]
    if compared:
        similar = sum(r["comparison"].startswith("Similar") for r in compared)
        messages.append(
            f"{similar} of the {len(compared)} indicators with a national comparator are "
            "similar to England."
        )
        for word in ("Better", "Worse", "Higher", "Lower"):
            ids = [r["id"] for r in compared if r["comparison"].startswith(word)]
            if ids:
                messages.append(f"{word} than England: {', '.join(ids)}.")
    moving = [r for r in summary if r["direction"].startswith(("Improving", "Worse", "Higher"))]
    moving += [r for r in summary if r["direction"].startswith("Lower")]
    if moving:
        messages.append(
            "Changed by more than chance since a year ago: "
            + "; ".join(f"{r['id']} {r['direction'].lower()}" for r in moving)
            + "."
        )
    else:
        messages.append("No indicator has changed by more than chance since a year ago.")
    hidden = [r["id"] for r in summary if r["value"] == "c"]
    if hidden:
        messages.append(
            f"{len(hidden)} values are hidden because they concern very few children "
            f"({', '.join(hidden)})."
        )
    return messages


COMPARED_WORDS = ("Similar", "Better", "Worse", "Higher", "Lower")


def _pct(value) -> str:
    return formats.percent(value, missing="", round_to_ends=True)


def render_html(pack: Pack, path: Path) -> Path:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    html = env.get_template("report.html.j2").render(**context(pack))
    path.write_text(html, encoding="utf-8")
    return path


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError(
        "headless Chromium is needed to print the report to PDF: run `make browser` "
        "(installs Debian's chromium package)"
    )


def print_pdf(html: Path, pdf: Path) -> Path:
    with tempfile.TemporaryDirectory(prefix="pack-chromium-") as profile:
        done = subprocess.run(
            [
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                html.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
    if done.returncode != 0 or not pdf.exists():
        raise RuntimeError(f"Chromium could not print {html} to PDF: {done.stderr[-2000:]}")
    return pdf
