"""What the agency data quality report reads (docs/dq-report.md, "Where each figure comes
from"): the data quality marts, and three tables of the raw layer's load metadata. SQL only;
the rows come back as the warehouse holds them (dq_shape.py makes the report of them).

Never read here: a value, a record id or an ingest message from ``raw.rejected_rows`` or
``raw.rule_breaches`` (they quote the agency's data)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from neglect_warehouse.partnership.warehouse import Warehouse

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


def _rows(wh: Warehouse, table: str, columns: tuple[str, ...], agency: str, order: str):
    sql = f"select {', '.join(columns)} from {table} where agency = ? order by {order}"
    return [dict(zip(columns, r, strict=True)) for r in wh.query(sql, [agency])]


def _as_date(value):
    return value.date() if isinstance(value, dt.datetime) else value


def read_agency(wh: Warehouse, agency: str) -> AgencyData:
    """The agency's rows of ``fct_dq_deliveries`` (by delivery number), ``fct_dq_columns``,
    ``fct_dq_uniqueness``, ``fct_dq_consistency`` and ``dim_dq_columns.critical_for``;
    extract dates as dates."""
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
        data.by_delivery[d["delivery_id"]] = d
    return data


def recorded_reasons(wh: Warehouse, delivery_id: str) -> list:
    """The reasons ingest recorded for the delivery (``raw.deliveries.reasons``): for a
    quarantined delivery dicts (file, line, column, rule, message, action, severity), for an
    incomplete one the names of the files not yet arrived; [] when none or unreadable."""
    rows = wh.query("select reasons from raw.deliveries where delivery_id = ?", [delivery_id])
    if not rows or not rows[0][0]:
        return []
    try:
        return json.loads(rows[0][0])
    except (TypeError, ValueError):
        return []


def records_breaching(wh: Warehouse, delivery_id: str) -> int:
    """Records of the delivery breaking at least one consistency rule (a count only)."""
    return wh.query(
        "select count(distinct entity || ':' || coalesce(record_id, cast(line as varchar))) "
        "from raw.rule_breaches where delivery_id = ?",
        [delivery_id],
    )[0][0]


def rejected_rows(wh: Warehouse, delivery_id: str) -> list[tuple]:
    """(entity, column, rule, line) of every rejected row of the delivery, in that order; not
    the value or ingest's message."""
    return wh.query(
        "select entity, column_name, rule, line from raw.rejected_rows where delivery_id = ? "
        "order by entity, column_name, rule, line",
        [delivery_id],
    )
