"""What the board pack says, read from the marts: the indicator values of the 24 months up to
the pack's period, with disclosure control applied (pack/disclosure.py, the one place), and
the words a board member reads (status, comparison, direction of travel, what changed).

Every output of the pack (workbook, report, CSV) is made from a ``Pack`` and nothing else, so
what the board sees is exactly what the audit checked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd

from neglect_warehouse.partnership.pack import formats
from neglect_warehouse.partnership.warehouse import Target, Warehouse
from neglect_warehouse.shared import contract

MONTHS = 24


class Theme(NamedTuple):
    title: str  # a page of the report
    sheet: str  # the workbook's sheet: at most 31 characters, no apostrophe


# The indicator catalogue's themes (dim_indicator.theme) that are not one agency's own, in the
# pack's order: these first, then each agency's own theme (the agency's code, titled with its
# name), alphabetically, then the multi-agency measures.
THEMES_FIRST = {
    "strategy": Theme("Strategy measures", "Strategy"),
    "front_door": Theme("Front door and children's social care", "Front door and social care"),
}
THEMES_LAST = {"multi_agency": Theme("Multi-agency", "Multi-agency")}
VALUE_COLUMNS = (
    "indicator_id, period_end, area_code, numerator, denominator, value, lower_95, upper_95, "
    "comparator_value, significance, target_value, target_status, polarity, excluded_records"
)


class PackError(RuntimeError):
    """The pack cannot be made for this period (say why and what to do)."""


def themes(catalogue: Iterable[str]) -> dict[str, Theme]:
    """The themes of the pack, in its order, for the themes of the indicator catalogue
    (``catalogue``): those of THEMES_FIRST and THEMES_LAST always, and each agency's own."""
    agencies = sorted(set(catalogue) & set(contract.AGENCIES))
    own = {
        a: Theme(contract.agency_name(a), _sheet_name(contract.agency_name(a))) for a in agencies
    }
    return {**THEMES_FIRST, **own, **THEMES_LAST}


def _sheet_name(text: str) -> str:
    return re.sub(r"[\\/?*:\[\]']", "", text)[:31]


def period_end_of(period: str) -> dt.date:
    """``YYYY-MM`` → that month's last day."""
    try:
        first = dt.datetime.strptime(period, "%Y-%m").date()
    except ValueError as exc:
        raise PackError(f"period {period!r} is not YYYY-MM") from exc
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def months_before(d: dt.date, n: int) -> dt.date:
    index = d.year * 12 + d.month - 1 - n
    first = dt.date(index // 12, index % 12 + 1, 1)
    return period_end_of(first.strftime("%Y-%m"))


@dataclass
class Pack:
    period_end: dt.date
    indicators: pd.DataFrame  # dim_indicator
    areas: pd.DataFrame  # dim_area
    values: pd.DataFrame  # fct_indicator_values, 24 months, disclosure control applied
    agencies: list[dict] = field(default_factory=list)  # current delivery per agency
    dq_deliveries: list[dict] = field(default_factory=list)  # every delivery (the trend)
    dq_rules: list[dict] = field(default_factory=list)  # rules broken, current deliveries
    made_at: str = ""
    themes: dict[str, Theme] = field(default_factory=dict)  # in the pack's order

    @property
    def period(self) -> str:
        return self.period_end.strftime("%Y-%m")

    @property
    def title(self) -> str:
        return f"Neglect indicators: {formats.month(self.period_end, short=False)}"

    def series(self, indicator_id: str, area_code: str = "ALL") -> pd.DataFrame:
        v = self.values
        return v[(v.indicator_id == indicator_id) & (v.area_code == area_code)].sort_values(
            "period_end"
        )

    def latest(self) -> pd.DataFrame:
        """One row per indicator: its value for the pack's period, area ALL (or an empty row
        when the agencies it draws on have not delivered data reaching the period)."""
        v = self.values
        now = v[(v.area_code == "ALL") & (v.period_end == self.period_end)]
        merged = self.indicators.merge(now, on="indicator_id", how="left", suffixes=("_def", ""))
        return merged


def load(target: Target, period: str) -> Pack:
    """The pack's content for ``period`` (YYYY-MM), disclosure control applied."""
    from neglect_warehouse.partnership.pack import disclosure

    period_end = period_end_of(period)
    first = months_before(period_end, MONTHS - 1)
    with Warehouse(target) as wh:
        indicators = query_frame(wh, "select * from marts.dim_indicator order by indicator_id")
        areas = query_frame(
            wh, "select * from marts.dim_area order by is_partnership desc, area_code"
        )
        values = query_frame(
            wh,
            f"select {VALUE_COLUMNS} from marts.fct_indicator_values "
            "where period_end between ? and ? order by indicator_id, area_code, period_end",
            [first, period_end],
        )
        agencies = query_frame(
            wh,
            "select agency, extract_date, state, days_extract_to_arrival, rows_in, "
            "rows_rejected, consistency_breaches, persons_linked_to_csc_child_pct, "
            "persons_with_person_token_pct from marts.fct_dq_deliveries "
            "where is_current order by agency",
        )
        dq_deliveries = query_frame(
            wh,
            "select agency, extract_date, arrived_at, state, days_extract_to_arrival, "
            "months_since_previous_delivery, rows_in, rows_loaded, rows_rejected, duplicate_ids, "
            "codes_outside_list, consistency_breaches, persons_with_person_token_pct, "
            "persons_linked_to_csc_child_pct from marts.fct_dq_deliveries "
            "where extract_date <= ? order by agency, extract_date, arrived_at",
            [period_end],
        )
        dq_rules = query_frame(
            wh,
            "select c.agency, c.entity, c.rule, c.rule_description, c.breach_count "
            "from marts.fct_dq_consistency as c "
            "inner join marts.fct_dq_deliveries as d on c.delivery_id = d.delivery_id "
            "where d.is_current and c.breach_count > 0 "
            # ties in the count by entity and rule, so the same data gives the same workbook
            "order by c.agency, c.breach_count desc, c.entity, c.rule",
        )
        if values.empty or not (values.period_end == period_end).any():
            raise PackError(
                f"no indicator has a value for {period}: the newest month in the warehouse "
                f"is {newest_period(wh)}; load the agencies' deliveries for {period} first"
            )
    pack_themes = themes(indicators.theme)
    order = {key: n for n, key in enumerate(pack_themes)}
    indicators = (
        indicators.assign(theme_order=indicators.theme.map(order))
        .sort_values(["theme_order", "indicator_id"])
        .drop(columns="theme_order")
        .reset_index(drop=True)
    )
    values = values.merge(
        indicators[
            ["indicator_id", "measure", "has_locality_breakdown", "comparator_indicator_id"]
        ],
        on="indicator_id",
    )
    values = disclosure.apply(values)
    return Pack(
        period_end=period_end,
        indicators=indicators,
        areas=areas,
        values=values,
        agencies=agencies.to_dict("records"),
        dq_deliveries=dq_deliveries.to_dict("records"),
        dq_rules=dq_rules.to_dict("records"),
        made_at=formats.date(dt.date.today(), zero_pad=True),
        themes=pack_themes,
    )


def newest_period(wh: Warehouse) -> str | None:
    """The newest month (YYYY-MM) with indicator values, or None (none yet, or no marts)."""
    if "fct_indicator_values" not in wh.tables("marts"):
        return None
    newest = wh.query("select max(period_end) from marts.fct_indicator_values")[0][0]
    return None if newest is None else str(newest)[:7]


def complete_period(wh: Warehouse) -> str | None:
    """The newest month (YYYY-MM) every indicator has a value for: every agency has delivered
    data reaching it, so the month's pack can be whole. None when some indicator has no value
    at all (no marts, or an agency that never delivered)."""
    if "fct_indicator_values" not in wh.tables("marts"):
        return None
    ((newest, missing),) = wh.query(
        "select min(newest), count(*) - count(newest) from ("
        "select dim_indicator.indicator_id, max(values.period_end) as newest "
        "from marts.dim_indicator left join marts.fct_indicator_values as values "
        "on dim_indicator.indicator_id = values.indicator_id "
        "group by dim_indicator.indicator_id) as reach"
    )
    return None if newest is None or missing else str(newest)[:7]


def latest_period(target: Target) -> str:
    """The month ``run`` and the DAG publish: the newest month every indicator has a value for
    (an agency that delivered a new month before the others does not make a pack of half the
    indicators, which would fail its audit); else the newest month with any value, whose pack
    then fails its audit naming the indicators without one."""
    with Warehouse(target) as wh:
        newest = complete_period(wh) or newest_period(wh)
    if newest is None:
        raise PackError("the warehouse has no indicator values yet")
    return newest


def query_frame(wh: Warehouse, sql: str, params=()) -> pd.DataFrame:
    """A query's rows as a DataFrame with its column names; dates as ``datetime.date``."""
    names, rows = wh.query_with_names(sql, params)
    frame = pd.DataFrame(rows, columns=names)
    if "period_end" in frame and len(frame):
        frame["period_end"] = pd.to_datetime(frame["period_end"]).dt.date
    return frame
