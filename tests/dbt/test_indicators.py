"""The indicator marts built for real from ingested deliveries: DuckDB and PostgreSQL give
identical rows, and the rows keep the invariants of indicators.md (periods, agency reach,
areas, statistics). The indicator logic itself is unit-tested in dbt with hand-worked rows
(dbt_project/models/intermediate/indicators/_*__unit_tests.yml)."""

from __future__ import annotations

import datetime as dt

import pytest

from neglect_warehouse.partnership.warehouse import Target, Warehouse
from tests.dbt.test_dbt_build import dbt

INDICATORS = (
    [f"S0{i}" for i in range(1, 8)]
    + [f"F{i:02d}" for i in range(1, 12)]
    + ["H01", "H02", "H03", "H03A", "H04", "H05", "H06"]
    + ["P01", "P02", "P03", "P04", "R01", "R02", "R03", "M01"]
)
COLUMNS = (
    "indicator_id, period_end, area_code, numerator, denominator, value, lower_95, upper_95, "
    "comparator_value, significance, target_value, target_status, polarity, excluded_records"
)


def month_end(year: int, month: int) -> dt.date:
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def months_back(d: dt.date, n: int) -> dt.date:
    index = d.year * 12 + d.month - 1 - n
    return month_end(index // 12, index % 12 + 1)


def last_month_end_on_or_before(d: dt.date) -> dt.date:
    end = month_end(d.year, d.month)
    return end if end == d else months_back(end, 1)


def rows(target: Target, sql: str) -> list[tuple]:
    with Warehouse(target) as wh:
        return [
            tuple(round(v, 9) if isinstance(v, float) else v for v in row) for row in wh.query(sql)
        ]


def test_duckdb_and_postgres_give_identical_indicator_rows(warehouses):
    sql = f"select {COLUMNS} from marts.fct_indicator_values order by 1, 2, 3"
    duck, pg = rows(warehouses["duckdb"], sql), rows(warehouses["postgres"], sql)
    assert len(duck) > 1000
    assert duck == pg
    catalogue = "select * from marts.dim_indicator order by indicator_id"
    assert rows(warehouses["duckdb"], catalogue) == rows(warehouses["postgres"], catalogue)


def test_every_indicator_every_period_from_the_first_with_12_months_of_data(warehouses):
    target = warehouses["duckdb"]
    extract = {
        agency: date
        for agency, date in rows(
            target,
            "select agency, cast(extract_date as date) from raw.current_deliveries "
            "where agency <> 'reference'",
        )
    }
    newest = max(extract.values())
    # the first month end whose year-ago month end is on or after newest − 6 years
    six_years_back = newest.replace(year=newest.year - 6)
    first = next(
        months_back(month_end(newest.year, newest.month), n)
        for n in range(120, -1, -1)
        if months_back(month_end(newest.year, newest.month), n + 12) >= six_years_back
    )
    agencies = dict(rows(target, "select indicator_id, agencies from marts.dim_indicator"))
    spans = {
        i: (lo, hi, n)
        for i, lo, hi, n in rows(
            target,
            "select indicator_id, min(period_end), max(period_end), count(distinct period_end) "
            "from marts.fct_indicator_values where area_code = 'ALL' group by 1",
        )
    }
    assert sorted(spans) == sorted(INDICATORS)
    for indicator, (lo, hi, n) in spans.items():
        reach = min(extract[a] for a in agencies[indicator].split(";"))
        assert lo == first, indicator
        assert hi == last_month_end_on_or_before(reach), indicator
        assert n == (hi.year - lo.year) * 12 + hi.month - lo.month + 1, indicator


def test_localities_add_up_to_the_partnership(warehouses):
    mismatches = rows(
        warehouses["duckdb"],
        """
        with localities as (
            select indicator_id, period_end, sum(numerator) as numerator,
                   sum(denominator) as denominator, sum(excluded_records) as excluded
            from marts.fct_indicator_values
            where area_code <> 'ALL' and indicator_id <> 'F08'
            group by 1, 2
        )
        select v.indicator_id, v.period_end
        from marts.fct_indicator_values v
        join marts.dim_indicator d using (indicator_id)
        join localities l using (indicator_id, period_end)
        where v.area_code = 'ALL' and d.has_locality_breakdown and d.unit <> 'children'
          and (v.numerator <> l.numerator or v.denominator <> l.denominator
               -- an excluded record whose person_id does not resolve has no locality
               or v.excluded_records < l.excluded)
        """,
    )
    assert mismatches == []


def test_statistics_are_consistent_with_the_counts(warehouses):
    for (
        indicator,
        period,
        area,
        numerator,
        denominator,
        value,
        lower,
        upper,
        comparator,
        significance,
        target,
        status,
        polarity,
        excluded,
    ) in rows(warehouses["duckdb"], f"select {COLUMNS} from marts.fct_indicator_values"):
        assert numerator >= 0 and excluded >= 0
        if denominator == 0:
            assert value is None and lower is None and upper is None
            assert significance == "NOT_COMPARED"
            assert status in ("NO_TARGET", "NOT_ASSESSED")
            continue
        scale = 10000 if indicator == "F08" else 100
        assert value == pytest.approx(scale * numerator / denominator)
        assert lower <= value + 1e-9 and value <= upper + 1e-9
        if comparator is not None:
            inside = lower <= comparator <= upper
            assert (significance == "SIMILAR") == inside, (indicator, period, area)
        if target is not None:
            met = value <= target if polarity == "L" else value >= target
            assert status == ("MET" if met else "NOT_MET")


def test_records_breaking_rules_are_counted_as_excluded(warehouses):
    excluded = rows(
        warehouses["duckdb"],
        "select count(*) from marts.fct_indicator_values where excluded_records > 0",
    )[0][0]
    breaches = rows(warehouses["duckdb"], "select count(*) from staging.stg_ingest__rule_breaches")
    assert breaches[0][0] > 0
    assert excluded > 0


def test_docs_generate_and_every_mart_column_is_documented(warehouses, tmp_path):
    import json

    result = dbt(
        tmp_path,
        "docs",
        "generate",
        NEGLECT_WAREHOUSE_TARGET="duckdb",
        NEGLECT_WAREHOUSE_DUCKDB=str(warehouses["duckdb"].location),
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert (tmp_path / "target" / "index.html").exists()
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    catalog = json.loads((tmp_path / "target" / "catalog.json").read_text())
    marts = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["path"].startswith("marts/")
    ]
    assert {"fct_indicator_values", "dim_indicator", "mart_linkage_summary"} <= {
        n["name"] for n in marts
    }
    undocumented = []
    for node in marts:
        if not node["description"].strip():
            undocumented.append(node["name"])
        documented = {c for c, v in node["columns"].items() if v["description"].strip()}
        built = set(catalog["nodes"][node["unique_id"]]["columns"])
        undocumented += [f"{node['name']}.{c}" for c in sorted(built - documented)]
    assert undocumented == []
    exposures = {e["name"] for e in manifest["exposures"].values()}
    assert exposures == {"board_indicator_pack", "agency_data_quality_report"}


def test_the_readme_analyst_queries_run(warehouses):
    import re
    from pathlib import Path

    from tests.conftest import run_cli

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    queries = re.findall(r"```sql\n(.*?)```", readme, flags=re.S)
    assert len(queries) >= 3
    for sql in queries:
        output = run_cli("query", "--warehouse", str(warehouses["duckdb"].location), sql)
        count = int(re.search(r"\((\d+) rows?\)", output).group(1))
        assert count > 0, sql


def test_a_data_change_rebuild_runs_the_tables_and_tests_and_changes_nothing_else(warehouses):
    from neglect_warehouse.partnership.transform.dbt_build import build, data_change_selection

    target = warehouses["duckdb"]
    sql = f"select {COLUMNS} from marts.fct_indicator_values order by 1, 2, 3"
    before = rows(target, sql)
    select, exclude = data_change_selection("police")
    result = build(target, select, exclude=exclude)
    ran = {n["unique_id"].split(".")[-1] for n in result.nodes}
    assert {"int_children_linked", "int_indicator_units", "fct_indicator_values"} <= ran
    assert "int_csc__contacts_records" not in ran  # another agency's records stay
    assert not any(n["unique_id"].startswith("unit_test.") for n in result.nodes)
    assert result.counts.get("pass", 0) > 20  # the data tests downstream of police
    assert rows(target, sql) == before
