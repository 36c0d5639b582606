"""The agency data quality report's content (docs/dq-report.md): the rows dq_read.py reads,
made into what the template shows for one delivery (``report_context``): plain Python values,
figures already formatted, each with its change since the previous delivery."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from neglect_warehouse.partnership.pack import dq_read, dq_trend, dq_words
from neglect_warehouse.partnership.pack.dq_trend import change, no_change
from neglect_warehouse.partnership.pack.dq_words import delivery_label
from neglect_warehouse.partnership.pack.formats import count, date, percent
from neglect_warehouse.partnership.warehouse import Warehouse
from neglect_warehouse.shared import contract

MAX_LINES = 10  # line numbers of rejected rows listed per file, column and problem
MAX_REASONS = 50  # reasons of a quarantined delivery listed
MAX_TODO = 15  # items of "what to fix at source" (the tables below list everything)
# Anything that looks like a token (32 hex) or an NHS number is masked in text taken from
# ingest's reasons, whatever else the text says.
_MASK = re.compile(r"[0-9a-fA-F]{32,}|(?<!\d)\d{3} ?\d{3} ?\d{4}(?!\d)")


def agency_data(wh: Warehouse, agency: str) -> dq_read.AgencyData:
    """The agency's mart rows, each delivery with its pooled completeness and validity."""
    data = dq_read.read_agency(wh, agency)
    for d in data.deliveries:
        d.update(pooled(data.of(data.columns, d["delivery_id"])))
    return data


def pooled(columns: list[dict]) -> dict:
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


def sanitise(text) -> str:
    return _MASK.sub("…", str(text))


def reasons(wh: Warehouse, delivery: dict) -> list[dict]:
    """Why a quarantined delivery was quarantined (or which files an incomplete one waits for),
    as ingest recorded it in raw.deliveries."""
    out = []
    for r in dq_read.recorded_reasons(wh, delivery["delivery_id"]):
        if isinstance(r, str):  # an incomplete delivery: the files not yet arrived
            problem, action = dq_words.NOT_RECEIVED
            out.append(
                {
                    "file": sanitise(r),
                    "line": None,
                    "column": None,
                    "problem": problem,
                    "action": action,
                }
            )
        elif isinstance(r, dict) and r.get("severity", "quarantine") == "quarantine":
            out.append(
                {
                    "file": sanitise(r.get("file") or "the delivery"),
                    "line": r.get("line"),
                    "column": sanitise(r["column"]) if r.get("column") else None,
                    "problem": sanitise(r.get("message", r.get("rule", ""))),
                    "action": dq_words.quarantine_action(sanitise(r.get("action", ""))),
                }
            )
    return out


def _entity_order(agency: str) -> dict[str, int]:
    return {e.name: i for i, e in enumerate(contract.entities(agency))}


def _file_name(agency: str, entity: str, delivery: dict) -> str:
    """The file of the delivery that held the entity, as the agency named it."""
    if entity not in _entity_order(agency):
        return entity
    return contract.entity(agency, entity).file_name(delivery["extract_date"].strftime("%Y%m%d"))


def rejections(wh: Warehouse, agency: str, delivery: dict) -> list[dict]:
    """Rejected rows of a loaded delivery grouped by file, column and problem, with the first
    line numbers."""
    types = {(e.name, c.name): c.type for e in contract.entities(agency) for c in e.columns}
    order = _entity_order(agency)
    groups: dict[tuple, list] = defaultdict(list)
    for entity, column, rule, line in dq_read.rejected_rows(wh, delivery["delivery_id"]):
        groups[entity, column or "", rule].append(line)
    out = []
    for (entity, column, rule), lines in groups.items():
        kind = types.get((entity, column)) or rule.removeprefix("bad_")
        problem, action = dq_words.rejection_words(rule, kind)
        shown = sorted({n for n in lines if n is not None})
        out.append(
            {
                "entity": entity,
                "file": _file_name(agency, entity, delivery),
                "column": column,
                "rule": rule,
                "problem": problem,
                "action": action,
                "rows": len(lines),
                "lines": shown[:MAX_LINES],
                "more_lines": max(0, len(shown) - MAX_LINES),
            }
        )
    out.sort(key=lambda r: (order.get(r["entity"], 99), r["column"], r["rule"]))
    return out


def _column_row(c: dict, p: dict | None, why: str | None, label: str) -> dict:
    """A column of the file-by-file table; ``p``: the column in the previous loaded delivery."""
    critical = bool(c["is_indicator_critical"] or c["is_required"])
    return {
        "name": c["column_name"],
        "needed": dq_words.needed_words(c["is_required"], critical, why),
        "critical": critical,
        "completeness": percent(c["completeness_pct"]) if critical else "optional",
        "completeness_value": c["completeness_pct"] if critical else None,
        "completeness_change": change(
            c["completeness_pct"],
            p["completeness_pct"] if p else None,
            "higher",
            "pct",
            percent(p["completeness_pct"]) if p else "",
            label,
        )
        if critical
        else no_change(),
        "validity": percent(c["validity_pct"]),
        "validity_value": c["validity_pct"],
        "validity_change": change(
            c["validity_pct"],
            p["validity_pct"] if p else None,
            "higher",
            "pct",
            percent(p["validity_pct"]) if p else "",
            label,
        ),
        "check": dq_words.validity_words(c["validity_check"], c["code_list"]),
        "notes": dq_words.column_notes(c),
        "codes_outside": c["values_out_of_range"] if c["validity_check"] == "code_list" else 0,
        "code_list": c["code_list"],
    }


def entity_sections(data: dq_read.AgencyData, delivery: dict, previous: dict | None) -> list:
    """Per file of a loaded delivery: its required, indicator-critical and flagged columns,
    and its rows and repeated ids; changes against ``previous`` (the previous loaded one)."""
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
    label = delivery_label(previous) if previous else ""
    sections = []
    for entity in contract.entities(data.agency):
        mine = [c for c in cols if c["entity"] == entity.name]
        if not mine:
            continue
        shown = []
        for c in mine:
            critical = bool(c["is_indicator_critical"] or c["is_required"])
            flagged = bool(
                c["values_out_of_range"] or c["rows_rejected_invalid"] or c["rows_rejected_missing"]
            )
            if critical or flagged:
                key = (entity.name, c["column_name"])
                shown.append(_column_row(c, prev_cols.get(key), data.critical_for.get(key), label))
        u = uniq.get(entity.name)
        pu = prev_uniq.get(entity.name)
        files_complete = all(
            not (c["null_values"] or c["rows_rejected_missing"]) for c in mine if c["is_required"]
        )
        sections.append(
            {
                "entity": entity.name,
                "file": entity.file_name(delivery["extract_date"].strftime("%Y%m%d")),
                "complete": files_complete,
                "columns": shown,
                "uniqueness": None
                if u is None
                else {
                    "rows_in": count(u["rows_in"]),
                    "rows_loaded": count(u["rows_loaded"]),
                    "rows_rejected": count(u["rows_rejected"]),
                    "duplicate_ids": count(u["duplicate_ids"]),
                    "duplicate_ids_value": u["duplicate_ids"],
                    "unique_ids_pct": percent(u["unique_ids_pct"]),
                    "loaded_unique": u["are_loaded_ids_unique"],
                    "change": change(
                        u["duplicate_ids"],
                        pu["duplicate_ids"] if pu else None,
                        "lower",
                        "count",
                        count(pu["duplicate_ids"]) if pu else "",
                        label,
                    ),
                },
            }
        )
    return sections


def consistency(data: dq_read.AgencyData, delivery: dict, previous: dict | None) -> list[dict]:
    """Every rule checked on each file of a loaded delivery, rules broken first."""
    order = _entity_order(data.agency)
    prev = (
        {(r["entity"], r["rule"]): r for r in data.of(data.consistency, previous["delivery_id"])}
        if previous
        else {}
    )
    label = delivery_label(previous) if previous else ""
    out = []
    for r in data.of(data.consistency, delivery["delivery_id"]):
        p = prev.get((r["entity"], r["rule"]))
        out.append(
            {
                "entity": r["entity"],
                "file": _file_name(data.agency, r["entity"], delivery),
                "rule": r["rule"],
                "label": dq_words.rule_label(r["rule"], r["cin_rule"]),
                "description": (r["rule_description"] or "").rstrip(". "),
                "records_checked": count(r["records_checked"]),
                "breaches": count(r["breach_count"]),
                "breach_count": r["breach_count"],
                "records_breaching": count(r["records_breaching"]),
                "records_breaching_pct": percent(r["records_breaching_pct"]),
                "change": change(
                    r["breach_count"],
                    p["breach_count"] if p else None,
                    "lower",
                    "count",
                    count(p["breach_count"]) if p else "",
                    label,
                ),
            }
        )
    out.sort(key=lambda r: (r["breach_count"] == 0, order.get(r["entity"], 99), r["rule"]))
    return out


def headline(
    d: dict, previous_loaded: dict | None, previous_any: dict | None, current: dict | None
) -> list[dict]:
    """The headline's sentences, each with its direction since the previous loaded delivery
    (timeliness: since the previous delivery of any state)."""
    items = []
    for text, key in dq_words.headline(d, current):
        ch = no_change()
        if key:
            m = dq_words.MEASURES[key]
            prev = previous_any if m.since == "any" else previous_loaded
            if prev is not None and prev.get(key) is not None:
                ch = dq_trend.measure_change(m, d, prev)
        items.append({"text": text, "key": key, "change": ch})
    return items


def report_context(wh: Warehouse, agency: str, delivery_id: str | None = None) -> dict:
    """Everything the template shows for one delivery (plain Python values)."""
    if agency not in contract.AGENCIES:
        raise ValueError(f"not an agency: {agency!r} (one of {', '.join(contract.AGENCIES)})")
    data = agency_data(wh, agency)
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
    loaded_before = [d for d in trend[:index] if d["state"] in contract.LOADED_STATES]
    previous_loaded = loaded_before[-1] if loaded_before else None
    previous_any = trend[index - 1] if index > 0 else None
    loaded = delivery["state"] in contract.LOADED_STATES
    current = delivery if loaded else previous_loaded  # the delivery in use as at this one
    sections = entity_sections(data, delivery, previous_loaded) if loaded else []
    rules = consistency(data, delivery, previous_loaded) if loaded else []
    rejected = rejections(wh, agency, delivery) if loaded else []
    why = [] if loaded else reasons(wh, delivery)
    todo = dq_words.to_do(rejected, rules, sections)
    if loaded:
        delivery["records_breaching"] = dq_read.records_breaching(wh, delivery["delivery_id"])
    return {
        "agency": agency,
        "agency_name": contract.agency_name(agency),
        "delivery": {
            **delivery,
            "label": delivery_label(delivery),
            "state_words": dq_words.state_label(delivery["state"]),
            "state_sentence": dq_words.state_meaning(delivery["state"]),
            "extract": date(delivery["extract_date"]),
            "arrived": date(delivery["arrived_at"]),
            "loaded": loaded,
            "incomplete": delivery["state"] == contract.DeliveryState.INCOMPLETE,
        },
        "previous_loaded": delivery_label(previous_loaded) if previous_loaded else None,
        "current": delivery_label(current) if current and current is not delivery else None,
        "headline": headline(delivery, previous_loaded, previous_any, current),
        "todo": todo[:MAX_TODO],
        "more_todo": max(0, len(todo) - MAX_TODO),
        "reasons": why[:MAX_REASONS],
        "more_reasons": max(0, len(why) - MAX_REASONS),
        "rejections": rejected,
        "sections": sections,
        "consistency": rules,
        "rules_total": len(rules),
        "rules_broken": sum(1 for r in rules if r["breach_count"]),
        "trend": dq_trend.trend_rows(trend),
        "measures": dq_words.TREND_MEASURES,
        "sparks": dq_trend.sparks(trend),
        "max_lines": MAX_LINES,
        "state_glossary": dq_words.state_glossary(),
        "made_at": date(dt.date.today()),
    }
