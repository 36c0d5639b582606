"""The agency data quality report (spec/outputs.md §4): one self-contained HTML file per agency
per delivery, for the agency's data manager, read from the data quality marts
(docs/data-quality.md) and, for "what to do", from the load metadata of the raw layer.

- ``render_agency_report(target, agency, delivery_id=None, out_dir)``: one delivery's report
  (default: the agency's newest delivery, whatever its state); the trend covers every delivery
  of the agency up to and including it.
- ``render_all(target, out_dir)``: one report per agency, for its newest delivery.
- ``agency_summaries(target)``: one summary row per agency (state, completeness, breaches,
  timeliness, linkage) that the board pack's data quality page can reuse.

The report holds counts and percentages only: no record identifier, token or value from the
agency's records. It does name the agency's own files and columns, and the line numbers of
rejected rows (the first ``MAX_LINES`` per problem) so that the rows can be found and fixed.
How to read it, and the choices made: docs/dq-report.md.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from neglect_warehouse.partnership.warehouse import Target, Warehouse
from neglect_warehouse.shared import contract

DEFAULT_OUT_DIR = Path("data/dq_reports")
TEMPLATES = Path(__file__).resolve().parent / "templates"
AGENCY_NAMES = {
    "csc": "Children's social care",
    "police": "Police",
    "health": "Health",
    "probation": "Probation",
}
LOADED = ("LOADED", "LOADED_WITH_WARNINGS")
MAX_LINES = 10  # line numbers of rejected rows listed per file, column and problem
MAX_REASONS = 50  # reasons of a quarantined delivery listed
MAX_TODO = 15  # items of "what to fix at source" (the tables below list everything)

STATE_WORDS = {
    "LOADED": "Loaded",
    "LOADED_WITH_WARNINGS": "Loaded with warnings",
    "QUARANTINED": "Quarantined",
    "INCOMPLETE": "Incomplete",
    "DUPLICATE": "Duplicate",
}
STATE_SENTENCES = {
    "LOADED": "The delivery passed every check and is loaded. Nothing to do.",
    "LOADED_WITH_WARNINGS": "The delivery is loaded, but some rows were rejected or some values "
    "break the rules. The rows and values below are missing from the warehouse or reported "
    "as problems: please correct them at source.",
    "QUARANTINED": "Nothing from this delivery was loaded; your previous loaded delivery stays "
    "in use. Fix the problems listed below and send a corrected delivery with a new manifest.",
    "INCOMPLETE": "Files the manifest lists have not arrived, so the delivery has not been "
    "checked or loaded yet. Send the missing files: the delivery is checked again when they "
    "arrive.",
    "DUPLICATE": "This delivery had already been received; the copy was ignored.",
}
# What a rejected row's rule means and what to do, in plain words ({type} is the column's
# expected format). The messages ingest recorded are not shown: they quote the values.
REJECTION_WORDS = {
    "missing_required_value": (
        "a required value is empty",
        "fill in the value at source and send it in the next delivery",
    ),
    "no_token": (
        "the person has neither a person_token nor a person_alt_token",
        "run the pseudonymisation tool so that every person has at least one token",
    ),
    "bad": (
        "the value is not {type}",
        "correct the value's format at source",
    ),
    "repeated_id": (
        "the record's id repeats an earlier row of the file (the first is kept)",
        "send each record once",
    ),
    "malformed_row": (
        "the row could not be read (quoting or number of fields)",
        "fix the row's quoting or number of fields in the export",
    ),
}
RULE_NAMES = {
    "reference_resolves": "References resolve",
    "no_future_date": "No future dates",
    "decision_after_contact": "Decision not before contact",
    "response_after_request": "Response not before request",
}
# Anything that looks like a token (32 hex) or an NHS number is masked in text taken from
# ingest's reasons, whatever else the text says.
_MASK = re.compile(r"[0-9a-fA-F]{32,}|(?<!\d)\d{3} ?\d{3} ?\d{4}(?!\d)")


# ---------------------------------------------------------------------------------------------
# Measures of a delivery and how they are compared


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    better: str  # "lower" or "higher"
    kind: str  # "pct", "count", "days", "months", "share"
    help: str
    group: str = "quality"  # the trend table it is shown in: "arrival" or "quality"


TREND_MEASURES = (
    Measure(
        "days_extract_to_arrival",
        "Days from extract to arrival",
        "lower",
        "days",
        "Timeliness: calendar days from the extract date to the day the delivery arrived.",
        "arrival",
    ),
    Measure(
        "months_since_previous_delivery",
        "Months since previous",
        "lower",
        "months",
        "Timeliness: months from the previous delivery's extract date (1 = monthly).",
        "arrival",
    ),
    Measure(
        "rows_rejected_pct",
        "Rows rejected",
        "lower",
        "pct",
        "Rows that could not be loaded, as a share of the rows received.",
        "arrival",
    ),
    Measure(
        "files_complete_share",
        "Files complete",
        "higher",
        "share",
        "Files in which every required value is present.",
    ),
    Measure(
        "completeness_pct",
        "Completeness",
        "higher",
        "pct",
        "Share of required and indicator-critical values that are present (all files).",
    ),
    Measure(
        "validity_pct",
        "Validity",
        "higher",
        "pct",
        "Share of the values present that are valid: in their code list, a real date not "
        "after the extract date, or well-formed.",
    ),
    Measure(
        "duplicate_ids",
        "Repeated ids",
        "lower",
        "count",
        "Uniqueness: rows rejected because their id repeats an earlier row.",
    ),
    Measure(
        "codes_outside_list",
        "Codes outside lists",
        "lower",
        "count",
        "Validity: values loaded that are not in their code list.",
    ),
    Measure(
        "consistency_breaches",
        "Consistency breaches",
        "lower",
        "count",
        "Breaches of the consistency rules (extracts.md §6).",
    ),
    Measure(
        "persons_with_person_token_pct",
        "Persons with person_token",
        "higher",
        "pct",
        "Linkage: person records with a person_token (an NHS number was held) rather than "
        "only the alternative token.",
    ),
    Measure(
        "persons_linked_to_csc_child_pct",
        "Persons linked to a CSC child",
        "higher",
        "pct",
        "Linkage: person records whose child is also known to children's social care. "
        "Measured for the delivery in use only.",
    ),
)


def fmt_pct(value: float | None) -> str:
    """A percentage to one decimal, never rounded to a misleading 100% or 0%."""
    if value is None:
        return "–"
    if 99.95 <= value < 100:
        return ">99.9%"
    if 0 < value < 0.05:
        return "<0.1%"
    return f"{value:.1f}%"


def fmt_count(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def fmt_date(value, short: bool = False) -> str:
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        value = value.date()
    return f"{value.day} {value:%b %Y}" if short else f"{value.day} {value:%B %Y}"


def fmt_measure(measure: Measure, values: dict) -> str:
    value = values.get(measure.key)
    if value is None:
        return "–"
    if measure.kind == "pct":
        return fmt_pct(value)
    if measure.kind == "share":
        return f"{values['files_complete']} of {values['files']}"
    if measure.kind == "days":
        return f"{value:,} day" + ("" if value == 1 else "s")
    if measure.kind == "months":
        return f"{value:,} month" + ("" if value == 1 else "s")
    return fmt_count(value)


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


def change(value, previous, better: str, kind: str, shown_previous: str, label: str) -> Change:
    direction = compare(value, previous, better, kind)
    if direction is None:
        return Change(None, "", "", "")
    a, b = _comparable(kind, value), _comparable(kind, previous)
    arrow = "=" if a == b else ("▲" if a > b else "▼")
    return Change(direction, arrow, shown_previous, label)


def sparkline(values: list[float | None], label: str, width: int = 132, height: int = 30) -> str:
    """A small inline SVG line of ``values`` (oldest first; None leaves a gap), the newest
    point marked. Returns SVG markup (no script, no external reference)."""
    known = [v for v in values if v is not None]
    title = f"{label}: " + ", ".join("–" if v is None else f"{v:g}" for v in values)
    title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if not known:
        return ""
    lo, hi = min(known), max(known)
    span = hi - lo or 1.0
    pad = 4
    n = len(values)
    step = (width - 2 * pad) / (n - 1) if n > 1 else 0

    def point(i, v):
        x = pad + i * step if n > 1 else width / 2
        y = height - pad - (v - lo) / span * (height - 2 * pad) if hi > lo else height / 2
        return round(x, 1), round(y, 1)

    segments, current = [], []
    for i, v in enumerate(values):
        if v is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(point(i, v))
    if current:
        segments.append(current)
    parts = [
        f'<svg class="spark" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{title}">',
        f"<title>{title}</title>",
    ]
    for seg in segments:
        if len(seg) > 1:
            pts = " ".join(f"{x},{y}" for x, y in seg)
            parts.append(
                f'<polyline points="{pts}" fill="none" stroke="#1d4e89" stroke-width="1.5"/>'
            )
    for seg in segments:
        for x, y in seg:
            parts.append(f'<circle cx="{x}" cy="{y}" r="1.8" fill="#1d4e89"/>')
    if values[-1] is not None:
        x, y = point(n - 1, values[-1])
        parts.append(f'<circle cx="{x}" cy="{y}" r="3.2" fill="#d9480f"/>')
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# Reading the marts


DELIVERY_COLUMNS = (
    "agency",
    "delivery_id",
    "delivery_number",
    "extract_date",
    "arrived_at",
    "processed_at",
    "state",
    "is_current",
    "duplicate_arrivals",
    "days_extract_to_arrival",
    "previous_extract_date",
    "months_since_previous_delivery",
    "files_loaded",
    "rows_in",
    "rows_loaded",
    "rows_rejected",
    "rows_rejected_pct",
    "duplicate_ids",
    "codes_outside_list",
    "consistency_breaches",
    "rules_breached",
    "persons_loaded",
    "persons_with_person_token_pct",
    "persons_linked_to_csc_child_pct",
)
COLUMN_COLUMNS = (
    "delivery_id",
    "entity",
    "column_name",
    "column_position",
    "column_type",
    "code_list",
    "is_required",
    "is_indicator_critical",
    "validity_check",
    "rows_in",
    "rows_loaded",
    "null_values",
    "rows_rejected_missing",
    "rows_rejected_invalid",
    "values_out_of_range",
    "completeness_pct",
    "validity_pct",
)
UNIQUENESS_COLUMNS = (
    "delivery_id",
    "entity",
    "rows_in",
    "rows_loaded",
    "rows_rejected",
    "duplicate_ids",
    "unique_ids_pct",
    "are_loaded_ids_unique",
)
CONSISTENCY_COLUMNS = (
    "delivery_id",
    "entity",
    "rule",
    "cin_rule",
    "rule_description",
    "records_checked",
    "breach_count",
    "records_breaching",
    "records_breaching_pct",
)


def _rows(wh: Warehouse, table: str, columns: tuple[str, ...], agency: str, order: str):
    sql = f"select {', '.join(columns)} from {table} where agency = ? order by {order}"
    return [dict(zip(columns, r, strict=True)) for r in wh.query(sql, [agency])]


def _as_date(value):
    return value.date() if isinstance(value, dt.datetime) else value


def _target(target) -> Target:
    return target if isinstance(target, Target) else Target.parse(target)


@dataclass
class AgencyData:
    """Every data quality mart row of one agency (all its deliveries)."""

    agency: str
    deliveries: list[dict]
    columns: list[dict]
    uniqueness: list[dict]
    consistency: list[dict]
    critical_for: dict[tuple[str, str], str | None]
    by_delivery: dict[str, dict] = field(default_factory=dict)

    def of(self, rows: list[dict], delivery_id: str) -> list[dict]:
        return [r for r in rows if r["delivery_id"] == delivery_id]


def _read_agency(wh: Warehouse, agency: str) -> AgencyData:
    deliveries = _rows(wh, "marts.fct_dq_deliveries", DELIVERY_COLUMNS, agency, "delivery_number")
    columns = _rows(
        wh, "marts.fct_dq_columns", COLUMN_COLUMNS, agency, "delivery_id, entity, column_position"
    )
    uniqueness = _rows(wh, "marts.fct_dq_uniqueness", UNIQUENESS_COLUMNS, agency, "delivery_id")
    consistency = _rows(
        wh, "marts.fct_dq_consistency", CONSISTENCY_COLUMNS, agency, "delivery_id, entity, rule"
    )
    critical_for = {
        (e, c): why
        for e, c, why in wh.query(
            "select entity, column_name, critical_for from marts.dim_dq_columns where agency = ?",
            [agency],
        )
    }
    data = AgencyData(agency, deliveries, columns, uniqueness, consistency, critical_for)
    for d in deliveries:
        d["extract_date"] = _as_date(d["extract_date"])
        d["previous_extract_date"] = _as_date(d["previous_extract_date"])
        d.update(_pooled(data.of(columns, d["delivery_id"])))
        data.by_delivery[d["delivery_id"]] = d
    return data


def _pooled(columns: list[dict]) -> dict:
    """Completeness (required and indicator-critical columns) and validity (every column)
    pooled over all of a delivery's files, and the files with every required value present."""
    if not columns:
        return {
            "completeness_pct": None,
            "validity_pct": None,
            "files": None,
            "files_complete": None,
            "files_complete_share": None,
        }
    present = known = valid = checked = 0
    files: dict[str, bool] = {}
    for c in columns:
        loaded, nulls = c["rows_loaded"] or 0, c["null_values"] or 0
        missing, invalid = c["rows_rejected_missing"] or 0, c["rows_rejected_invalid"] or 0
        out = c["values_out_of_range"] or 0
        if c["is_indicator_critical"] or c["is_required"]:
            present += loaded - nulls + invalid
            known += loaded + missing + invalid
        valid += loaded - nulls - out
        checked += loaded - nulls + invalid
        files.setdefault(c["entity"], True)
        if c["is_required"] and (nulls or missing):
            files[c["entity"]] = False
    complete = sum(files.values())
    return {
        "completeness_pct": 100 * present / known if known else None,
        "validity_pct": 100 * valid / checked if checked else None,
        "files": len(files),
        "files_complete": complete,
        "files_complete_share": 100 * complete / len(files),
    }


def _sanitise(text: str) -> str:
    return _MASK.sub("…", str(text))


def _reasons(wh: Warehouse, delivery: dict) -> list[dict]:
    """Why a quarantined delivery was quarantined (or which files an incomplete one waits for),
    as ingest recorded it in raw.deliveries."""
    rows = wh.query(
        "select reasons from raw.deliveries where delivery_id = ?", [delivery["delivery_id"]]
    )
    if not rows or not rows[0][0]:
        return []
    try:
        reasons = json.loads(rows[0][0])
    except (TypeError, ValueError):
        return []
    out = []
    for r in reasons:
        if isinstance(r, str):  # an incomplete delivery: the files not yet arrived
            out.append(
                {
                    "file": _sanitise(r),
                    "line": None,
                    "column": None,
                    "problem": "listed in the manifest but not received",
                    "action": "send the file",
                }
            )
        elif isinstance(r, dict) and r.get("severity", "quarantine") == "quarantine":
            out.append(
                {
                    "file": _sanitise(r.get("file") or "the delivery"),
                    "line": r.get("line"),
                    "column": _sanitise(r["column"]) if r.get("column") else None,
                    "problem": _sanitise(r.get("message", r.get("rule", ""))),
                    "action": _sanitise(r.get("action", "")).replace(
                        "listed in this report", "listed in the quarantine report sent to you"
                    ),
                }
            )
    return out


def _records_breaching(wh: Warehouse, delivery_id: str) -> int:
    """Records of the delivery breaking at least one consistency rule (a count only)."""
    return wh.query(
        "select count(distinct entity || ':' || coalesce(record_id, cast(line as varchar))) "
        "from raw.rule_breaches where delivery_id = ?",
        [delivery_id],
    )[0][0]


def _rejections(wh: Warehouse, agency: str, delivery: dict) -> list[dict]:
    """Rejected rows of a loaded delivery grouped by file, column and problem, with the first
    line numbers. Values and ingest's messages are not read (they quote the agency's data)."""
    rows = wh.query(
        "select entity, column_name, rule, line from raw.rejected_rows where delivery_id = ? "
        "order by entity, column_name, rule, line",
        [delivery["delivery_id"]],
    )
    from neglect_warehouse.partnership.ingest.read import TYPE_WORDS

    types = {(e.name, c.name): c.type for e in contract.entities(agency) for c in e.columns}
    order = {e.name: i for i, e in enumerate(contract.entities(agency))}
    stamp = delivery["extract_date"].strftime("%Y%m%d")
    groups: dict[tuple, list] = defaultdict(list)
    for entity, column, rule, line in rows:
        groups[entity, column or "", rule].append(line)
    out = []
    for (entity, column, rule), lines in groups.items():
        key = "bad" if rule.startswith("bad_") else rule
        problem, action = REJECTION_WORDS.get(
            key, (f"rule {rule}", "see the delivery report ingest sent with this delivery")
        )
        kind = types.get((entity, column)) or rule.removeprefix("bad_")
        problem = problem.format(type=TYPE_WORDS.get(kind, f"a valid {kind}"))
        shown = sorted({n for n in lines if n is not None})
        out.append(
            {
                "entity": entity,
                "file": contract.entity(agency, entity).file_name(stamp)
                if entity in order
                else entity,
                "column": column,
                "rule": rule,
                "problem": problem,
                "action": action,
                "rows": len(lines),
                "lines": shown[:MAX_LINES],
                "more_lines": max(0, len(shown) - MAX_LINES),
                "_order": (order.get(entity, 99), column, rule),
            }
        )
    out.sort(key=lambda r: r["_order"])
    return out


# ---------------------------------------------------------------------------------------------
# The report's content


def _label(d: dict) -> str:
    return f"delivery {d['delivery_number']} ({fmt_date(d['extract_date'])})"


def _previous_with(trend: list[dict], index: int, key: str) -> dict | None:
    for d in reversed(trend[:index]):
        if d.get(key) is not None:
            return d
    return None


def _trend_rows(trend: list[dict]) -> list[dict]:
    rows = []
    for i, d in enumerate(trend):
        cells = []
        for m in TREND_MEASURES:
            prev = _previous_with(trend, i, m.key)
            ch = (
                change(
                    d.get(m.key), prev[m.key], m.better, m.kind, fmt_measure(m, prev), _label(prev)
                )
                if prev is not None
                else Change(None, "", "", "")
            )
            cells.append(
                {
                    "key": m.key,
                    "group": m.group,
                    "text": fmt_measure(m, d),
                    "value": d.get(m.key),
                    "change": ch,
                }
            )
        rows.append(
            {
                "number": d["delivery_number"],
                "delivery_id": d["delivery_id"],
                "extract_date": fmt_date(d["extract_date"], short=True),
                "arrived": fmt_date(d["arrived_at"], short=True),
                "state": d["state"],
                "state_words": STATE_WORDS.get(d["state"], d["state"]),
                "is_selected": False,
                "is_current": bool(d["is_current"]),
                "rows_in": fmt_count(d["rows_in"]),
                "cells": cells,
            }
        )
    if rows:
        rows[-1]["is_selected"] = True
    return rows


def _sparks(trend: list[dict]) -> list[dict]:
    out = []
    for m in TREND_MEASURES:
        values = [d.get(m.key) for d in trend]
        if all(v is None for v in values):
            continue
        latest = trend[-1]
        i = len(trend) - 1
        prev = _previous_with(trend, i, m.key)
        ch = (
            change(
                latest.get(m.key), prev[m.key], m.better, m.kind, fmt_measure(m, prev), _label(prev)
            )
            if prev is not None
            else Change(None, "", "", "")
        )
        out.append(
            {
                "key": m.key,
                "label": m.label,
                "help": m.help,
                "text": fmt_measure(m, latest),
                "last_known": ""
                if latest.get(m.key) is not None or prev is None
                else f"not measured; {fmt_measure(m, prev)} at {_label(prev)}",
                "svg": sparkline(
                    [None if v is None else round(float(v), 2) for v in values], m.label
                ),
                "change": ch,
                "better": m.better,
            }
        )
    return out


def _column_notes(c: dict) -> list[str]:
    from neglect_warehouse.partnership.ingest.read import TYPE_WORDS

    notes = []
    if c["rows_rejected_missing"]:
        n = c["rows_rejected_missing"]
        what = (
            "no token at all"
            if c["column_name"] in ("person_token", "person_alt_token")
            else "value missing"
        )
        notes.append(f"{n:,} row{'s' if n != 1 else ''} rejected: {what}")
    if c["rows_rejected_invalid"]:
        n = c["rows_rejected_invalid"]
        words = TYPE_WORDS.get(c["column_type"], f"a valid {c['column_type']}")
        notes.append(f"{n:,} value{'s' if n != 1 else ''} not {words} (row rejected)")
    if c["values_out_of_range"]:
        n = c["values_out_of_range"]
        if c["validity_check"] == "code_list":
            notes.append(f"{n:,} code{'s' if n != 1 else ''} outside the list {c['code_list']}")
        else:
            notes.append(f"{n:,} date{'s' if n != 1 else ''} after the extract date")
    if c["null_values"] and not c["is_required"]:
        n = c["null_values"]
        notes.append(f"{n:,} empty")
    return notes


def _entity_sections(data: AgencyData, delivery: dict, previous: dict | None) -> list[dict]:
    agency = data.agency
    stamp = delivery["extract_date"].strftime("%Y%m%d")
    cols = data.of(data.columns, delivery["delivery_id"])
    prev_cols = (
        {(c["entity"], c["column_name"]): c for c in data.of(data.columns, previous["delivery_id"])}
        if previous
        else {}
    )
    uniq = {u["entity"]: u for u in data.of(data.uniqueness, delivery["delivery_id"])}
    prev_uniq = (
        {u["entity"]: u for u in data.of(data.uniqueness, previous["delivery_id"])}
        if previous
        else {}
    )
    label = _label(previous) if previous else ""
    sections = []
    for entity in contract.entities(agency):
        mine = [c for c in cols if c["entity"] == entity.name]
        if not mine:
            continue
        shown = []
        for c in mine:
            critical = bool(c["is_indicator_critical"] or c["is_required"])
            flagged = bool(
                c["values_out_of_range"] or c["rows_rejected_invalid"] or c["rows_rejected_missing"]
            )
            if not (critical or flagged):
                continue
            p = prev_cols.get((entity.name, c["column_name"]))
            why = data.critical_for.get((entity.name, c["column_name"]))
            shown.append(
                {
                    "name": c["column_name"],
                    "needed": "required"
                    if c["is_required"]
                    else (f"needed for {why}" if why else ("needed" if critical else "optional")),
                    "critical": critical,
                    "completeness": fmt_pct(c["completeness_pct"]) if critical else "optional",
                    "completeness_value": c["completeness_pct"] if critical else None,
                    "completeness_change": change(
                        c["completeness_pct"],
                        p["completeness_pct"] if p else None,
                        "higher",
                        "pct",
                        fmt_pct(p["completeness_pct"]) if p else "",
                        label,
                    )
                    if critical
                    else Change(None, "", "", ""),
                    "validity": fmt_pct(c["validity_pct"]),
                    "validity_value": c["validity_pct"],
                    "validity_change": change(
                        c["validity_pct"],
                        p["validity_pct"] if p else None,
                        "higher",
                        "pct",
                        fmt_pct(p["validity_pct"]) if p else "",
                        label,
                    ),
                    "check": {
                        "code_list": f"in code list {c['code_list']}",
                        "date_range": "real date, not after the extract date",
                        "format": "well-formed",
                    }.get(c["validity_check"], c["validity_check"] or ""),
                    "notes": _column_notes(c),
                    "codes_outside": c["values_out_of_range"]
                    if c["validity_check"] == "code_list"
                    else 0,
                    "code_list": c["code_list"],
                }
            )
        u = uniq.get(entity.name)
        pu = prev_uniq.get(entity.name)
        files_complete = all(
            not (c["null_values"] or c["rows_rejected_missing"]) for c in mine if c["is_required"]
        )
        sections.append(
            {
                "entity": entity.name,
                "file": entity.file_name(stamp),
                "complete": files_complete,
                "columns": shown,
                "uniqueness": None
                if u is None
                else {
                    "rows_in": fmt_count(u["rows_in"]),
                    "rows_loaded": fmt_count(u["rows_loaded"]),
                    "rows_rejected": fmt_count(u["rows_rejected"]),
                    "duplicate_ids": fmt_count(u["duplicate_ids"]),
                    "duplicate_ids_value": u["duplicate_ids"],
                    "unique_ids_pct": fmt_pct(u["unique_ids_pct"]),
                    "loaded_unique": u["are_loaded_ids_unique"],
                    "change": change(
                        u["duplicate_ids"],
                        pu["duplicate_ids"] if pu else None,
                        "lower",
                        "count",
                        fmt_count(pu["duplicate_ids"]) if pu else "",
                        label,
                    ),
                },
            }
        )
    return sections


def _rule_label(rule: str, cin_rule: str | None) -> str:
    if cin_rule:
        return f"CIN rule {cin_rule}"
    return RULE_NAMES.get(rule, rule.replace("_", " ").capitalize())


def _consistency(data: AgencyData, delivery: dict, previous: dict | None) -> list[dict]:
    order = {e.name: i for i, e in enumerate(contract.entities(data.agency))}
    stamp = delivery["extract_date"].strftime("%Y%m%d")
    prev = (
        {(r["entity"], r["rule"]): r for r in data.of(data.consistency, previous["delivery_id"])}
        if previous
        else {}
    )
    label = _label(previous) if previous else ""
    out = []
    for r in data.of(data.consistency, delivery["delivery_id"]):
        p = prev.get((r["entity"], r["rule"]))
        out.append(
            {
                "entity": r["entity"],
                "file": contract.entity(data.agency, r["entity"]).file_name(stamp)
                if r["entity"] in order
                else r["entity"],
                "rule": r["rule"],
                "label": _rule_label(r["rule"], r["cin_rule"]),
                "description": (r["rule_description"] or "").rstrip(". "),
                "records_checked": fmt_count(r["records_checked"]),
                "breaches": fmt_count(r["breach_count"]),
                "breach_count": r["breach_count"],
                "records_breaching": fmt_count(r["records_breaching"]),
                "records_breaching_pct": fmt_pct(r["records_breaching_pct"]),
                "change": change(
                    r["breach_count"],
                    p["breach_count"] if p else None,
                    "lower",
                    "count",
                    fmt_count(p["breach_count"]) if p else "",
                    label,
                ),
                "_order": (order.get(r["entity"], 99), r["rule"]),
            }
        )
    out.sort(key=lambda r: (r["breach_count"] == 0, r["_order"]))
    return out


def _headline(d: dict, previous_loaded: dict | None, current: dict | None) -> list[dict]:
    """The few facts a data manager needs first, each with its direction since before."""
    items = []

    def item(
        text: str, key: str | None = None, prev: dict | None = None, better="lower", kind="count"
    ) -> None:
        ch = Change(None, "", "", "")
        if key and prev is not None and prev.get(key) is not None:
            m = next((m for m in TREND_MEASURES if m.key == key), None)
            shown = fmt_measure(m, prev) if m else str(prev[key])
            ch = change(d.get(key), prev[key], better, kind, shown, _label(prev))
        items.append({"text": text, "key": key, "change": ch})

    loaded = d["state"] in LOADED
    if loaded:
        item(
            f"{d['files_complete']} of {d['files']} files fully complete "
            "(every required value present).",
            "files_complete_share",
            previous_loaded,
            "higher",
            "pct",
        )
        rejected = d["rows_rejected"] or 0
        repeated = d["duplicate_ids"] or 0
        text = f"{rejected:,} of {d['rows_in']:,} rows rejected ({fmt_pct(d['rows_rejected_pct'])})"
        if rejected:
            text += f": {repeated:,} repeated id{'s' if repeated != 1 else ''}, " + (
                f"{rejected - repeated:,} with a missing or unreadable value or a malformed row"
            )
        item(text + ".", "rows_rejected_pct", previous_loaded, "lower", "pct")
        item(
            f"{fmt_pct(d['completeness_pct'])} of required and indicator-critical values present; "
            f"{fmt_pct(d['validity_pct'])} of values present are valid.",
            "completeness_pct",
            previous_loaded,
            "higher",
            "pct",
        )
        breaches = d["consistency_breaches"] or 0
        records = d.get("records_breaching") or 0
        rules = d["rules_breached"] or 0
        item(
            f"{breaches:,} breach{'es' if breaches != 1 else ''} of consistency rules"
            + (f", in {records:,} record{'s' if records != 1 else ''}" if breaches else "")
            + f" ({rules} rule{'s' if rules != 1 else ''} broken).",
            "consistency_breaches",
            previous_loaded,
        )
        codes = d["codes_outside_list"] or 0
        item(
            f"{codes:,} code{'s' if codes != 1 else ''} outside {'their' if codes != 1 else 'its'} "
            "code list.",
            "codes_outside_list",
            previous_loaded,
        )
    days = d["days_extract_to_arrival"]
    text = f"Arrived {days:,} day{'s' if days != 1 else ''} after the extract date"
    months = d["months_since_previous_delivery"]
    if months is None:
        text += "; your first delivery."
    else:
        text += (
            f"; {months} month{'s' if months != 1 else ''} after the previous delivery's extract "
            "date."
        )
    item(text, "days_extract_to_arrival", d.get("_previous_any"), "lower", "days")
    if loaded:
        text = (
            f"{fmt_pct(d['persons_with_person_token_pct'])} of {d['persons_loaded']:,} person "
            "records carry a person_token"
        )
        if d["persons_linked_to_csc_child_pct"] is not None:
            text += (
                f"; {fmt_pct(d['persons_linked_to_csc_child_pct'])} are linked to a child known "
                "to children's social care"
            )
        item(text + ".", "persons_with_person_token_pct", previous_loaded, "higher", "pct")
    elif current is not None:
        item(
            f"The delivery in use is still {_label(current)}, "
            f"{STATE_WORDS.get(current['state'], current['state']).lower()}."
        )
    else:
        item("No delivery of yours has been loaded yet.")
    if d["duplicate_arrivals"]:
        n = d["duplicate_arrivals"]
        item(
            f"The same delivery arrived again {'once' if n == 1 else f'{n} times'}; "
            "the repeat was ignored."
        )
    return items


def _to_do(rejections: list[dict], consistency: list[dict], sections: list[dict]) -> list[dict]:
    """Short list of what the agency should fix at source, largest first."""
    todo = []
    for r in rejections:
        todo.append(
            {
                "count": r["rows"],
                "text": f"{r['file']}, column {r['column'] or '(row)'}: {r['rows']:,} "
                f"row{'s' if r['rows'] != 1 else ''} rejected because {r['problem']}",
                "action": r["action"],
            }
        )
    # (dates after the extract date are breaches of the rule no_future_date, listed below)
    for s in sections:
        for c in s["columns"]:
            if c["codes_outside"]:
                n = c["codes_outside"]
                todo.append(
                    {
                        "count": n,
                        "text": f"{s['file']}, column {c['name']}: {n:,} "
                        f"code{'s' if n != 1 else ''} outside the list {c['code_list']}",
                        "action": "use only the codes of the list (extracts.md §5)",
                    }
                )
    for r in consistency:
        if r["breach_count"]:
            todo.append(
                {
                    "count": r["breach_count"],
                    "text": f"{r['file']}: {r['breaches']} breach"
                    f"{'es' if r['breach_count'] != 1 else ''} of the rule “{r['label']}”",
                    "action": f"correct the records so that {_lower_first(r['description'])}",
                }
            )
    todo.sort(key=lambda t: -t["count"])
    return todo


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


@cache
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = fmt_pct
    env.filters["thousands"] = fmt_count
    env.filters["date"] = fmt_date
    return env


def _markup(svg: str):
    import markupsafe

    return markupsafe.Markup(svg)  # built here from numbers only (sparkline)


def report_context(wh: Warehouse, agency: str, delivery_id: str | None = None) -> dict:
    """Everything the template shows for one delivery (plain Python values)."""
    if agency not in AGENCY_NAMES:
        raise ValueError(f"not an agency: {agency!r} (one of {', '.join(AGENCY_NAMES)})")
    data = _read_agency(wh, agency)
    if not data.deliveries:
        raise LookupError(f"{agency} has no delivery in the warehouse")
    if delivery_id is None:
        delivery = data.deliveries[-1]
    elif delivery_id in data.by_delivery:
        delivery = data.by_delivery[delivery_id]
    else:
        raise LookupError(f"{agency} has no delivery {delivery_id!r}")
    trend = [d for d in data.deliveries if d["delivery_number"] <= delivery["delivery_number"]]
    index = len(trend) - 1
    previous_loaded = next((d for d in reversed(trend[:index]) if d["state"] in LOADED), None)
    delivery["_previous_any"] = trend[index - 1] if index > 0 else None
    current = next(
        (d for d in reversed(trend) if d["state"] in LOADED), None
    )  # in use as at this delivery
    loaded = delivery["state"] in LOADED
    sections = _entity_sections(data, delivery, previous_loaded) if loaded else []
    consistency = _consistency(data, delivery, previous_loaded) if loaded else []
    rejections = _rejections(wh, agency, delivery) if loaded else []
    reasons = [] if loaded else _reasons(wh, delivery)
    todo = _to_do(rejections, consistency, sections)
    if loaded:
        delivery["records_breaching"] = _records_breaching(wh, delivery["delivery_id"])
    sparks = _sparks(trend)
    for s in sparks:
        s["svg"] = _markup(s["svg"])
    return {
        "agency": agency,
        "agency_name": AGENCY_NAMES[agency],
        "delivery": {
            **{k: v for k, v in delivery.items() if not k.startswith("_")},
            "label": _label(delivery),
            "state_words": STATE_WORDS.get(delivery["state"], delivery["state"]),
            "state_sentence": STATE_SENTENCES.get(delivery["state"], ""),
            "extract": fmt_date(delivery["extract_date"]),
            "arrived": fmt_date(delivery["arrived_at"]),
            "loaded": loaded,
        },
        "previous_loaded": _label(previous_loaded) if previous_loaded else None,
        "current": _label(current) if current and current is not delivery else None,
        "headline": _headline(delivery, previous_loaded, current),
        "todo": todo[:MAX_TODO],
        "more_todo": max(0, len(todo) - MAX_TODO),
        "reasons": reasons[:MAX_REASONS],
        "more_reasons": max(0, len(reasons) - MAX_REASONS),
        "rejections": rejections,
        "sections": sections,
        "consistency": consistency,
        "rules_total": len(consistency),
        "rules_broken": sum(1 for r in consistency if r["breach_count"]),
        "trend": _trend_rows(trend),
        "measures": TREND_MEASURES,
        "sparks": sparks,
        "max_lines": MAX_LINES,
        "made_at": fmt_date(dt.date.today()),
    }


def report_file_name(agency: str, delivery: dict) -> str:
    return f"dq_report_{agency}_{delivery['extract_date']:%Y-%m-%d}_{delivery['delivery_id']}.html"


def render_agency_report(
    target: Target | str | os.PathLike,
    agency: str,
    delivery_id: str | None = None,
    out_dir: str | os.PathLike = DEFAULT_OUT_DIR,
) -> Path:
    """Write one delivery's data quality report for ``agency`` into ``out_dir`` and return its
    path (``dq_report_<agency>_<extract date>_<delivery id>.html``). ``delivery_id`` defaults
    to the agency's newest delivery (any state); the trend shows every delivery of the agency
    up to and including it. Raises LookupError when the agency has no such delivery."""
    target = _target(target)
    with Warehouse(target) as wh:
        context = report_context(wh, agency, delivery_id)
    return _write(context, Path(out_dir))


def _write(context: dict, out_dir: Path) -> Path:
    html = _environment().get_template("dq_report.html.j2").render(**context)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / report_file_name(context["agency"], context["delivery"])
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path


def render_all(
    target: Target | str | os.PathLike, out_dir: str | os.PathLike = DEFAULT_OUT_DIR
) -> list[Path]:
    """One report per agency with at least one delivery, for its newest delivery; paths in
    the order csc, police, health, probation."""
    target = _target(target)
    paths = []
    with Warehouse(target) as wh:
        contexts = []
        for agency in AGENCY_NAMES:
            try:
                contexts.append(report_context(wh, agency))
            except LookupError:
                continue
    for context in contexts:
        paths.append(_write(context, Path(out_dir)))
    return paths


# ---------------------------------------------------------------------------------------------
# For the board pack


SUMMARY_KEYS = (
    "agency",
    "agency_name",
    "delivery_id",
    "delivery_number",
    "deliveries",
    "extract_date",
    "arrived_at",
    "state",
    "reasons",
    "is_current",
    "current_extract_date",
    "days_extract_to_arrival",
    "months_since_previous_delivery",
    "files",
    "files_complete",
    "rows_in",
    "rows_rejected",
    "rows_rejected_pct",
    "completeness_pct",
    "validity_pct",
    "duplicate_ids",
    "codes_outside_list",
    "consistency_breaches",
    "records_breaching",
    "rules_breached",
    "persons_with_person_token_pct",
    "persons_linked_to_csc_child_pct",
    "compared_with_previous",
)


def agency_summaries(
    target: Target | str | os.PathLike, as_of: dt.date | None = None
) -> list[dict]:
    """One row per agency with a delivery (csc, police, health, probation order): its newest
    delivery (with an extract date on or before ``as_of``, when given). Keys: SUMMARY_KEYS;
    docs/dq-report.md says what each holds. Measures that need loaded rows are None when the
    newest delivery was not loaded; ``current_extract_date`` then says which delivery the
    indicators still use. Percentages are unrounded."""
    target = _target(target)
    out = []
    with Warehouse(target) as wh:
        for agency in AGENCY_NAMES:
            data = _read_agency(wh, agency)
            trend = [d for d in data.deliveries if as_of is None or d["extract_date"] <= as_of]
            if not trend:
                continue
            d = trend[-1]
            previous_loaded = next((p for p in reversed(trend[:-1]) if p["state"] in LOADED), None)
            previous_any = trend[-2] if len(trend) > 1 else None
            current = next((p for p in reversed(trend) if p["state"] in LOADED), None)
            compared = {}
            for m in TREND_MEASURES:
                prev = previous_any if m.key.startswith(("days_", "months_")) else previous_loaded
                compared[m.key] = compare(
                    d.get(m.key), prev.get(m.key) if prev else None, m.better, m.kind
                )
            reasons = [] if d["state"] in LOADED else _reasons(wh, d)
            out.append(
                {
                    "agency": agency,
                    "agency_name": AGENCY_NAMES[agency],
                    "delivery_id": d["delivery_id"],
                    "delivery_number": d["delivery_number"],
                    "deliveries": len(trend),
                    "extract_date": d["extract_date"],
                    "arrived_at": d["arrived_at"],
                    "state": d["state"],
                    "reasons": [f"{r['file']}: {r['problem']}" for r in reasons[:MAX_REASONS]],
                    "is_current": bool(d["is_current"]),
                    "current_extract_date": current["extract_date"] if current else None,
                    "days_extract_to_arrival": d["days_extract_to_arrival"],
                    "months_since_previous_delivery": d["months_since_previous_delivery"],
                    "files": d["files"],
                    "files_complete": d["files_complete"],
                    "rows_in": d["rows_in"],
                    "rows_rejected": d["rows_rejected"],
                    "rows_rejected_pct": d["rows_rejected_pct"],
                    "completeness_pct": d["completeness_pct"],
                    "validity_pct": d["validity_pct"],
                    "duplicate_ids": d["duplicate_ids"],
                    "codes_outside_list": d["codes_outside_list"],
                    "consistency_breaches": d["consistency_breaches"],
                    "records_breaching": _records_breaching(wh, d["delivery_id"])
                    if d["state"] in LOADED
                    else None,
                    "rules_breached": d["rules_breached"],
                    "persons_with_person_token_pct": d["persons_with_person_token_pct"],
                    "persons_linked_to_csc_child_pct": d["persons_linked_to_csc_child_pct"],
                    "compared_with_previous": compared,
                }
            )
    return out


def main(argv: list[str] | None = None) -> None:
    """``python -m neglect_warehouse.partnership.pack.dq_report [--warehouse W] [--out DIR]
    [--agency A [--delivery ID]]``: write the reports and print their paths."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--warehouse", default=None, help="DuckDB file or postgresql:// URL")
    parser.add_argument("--out", default=str(DEFAULT_OUT_DIR))
    parser.add_argument("--agency", choices=list(AGENCY_NAMES))
    parser.add_argument("--delivery", default=None)
    args = parser.parse_args(argv)
    target = Target.parse(args.warehouse)
    if args.agency:
        paths = [render_agency_report(target, args.agency, args.delivery, args.out)]
    else:
        paths = render_all(target, args.out)
    for p in paths:
        print(p)


if __name__ == "__main__":
    main()
