"""The agency data quality marts (outputs.md §4) against what ingest recorded and against the
delivered values themselves, on both warehouses.

The tiny partnership with defects is ingested for real (two monthly deliveries per agency:
rejected rows, codes outside their lists, consistency breaches, quarantined deliveries), plus
a re-arrival of one manifest (DUPLICATE) and a manifest whose files never came (INCOMPLETE);
then dbt builds the data quality marts and everything upstream of them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from neglect_warehouse.partnership.ingest.folder import ingest_landing
from neglect_warehouse.partnership.ingest.pipeline import Options
from neglect_warehouse.partnership.transform.dbt_build import dbt_env
from neglect_warehouse.partnership.warehouse import Target, Warehouse, raw_table
from neglect_warehouse.shared import contract
from tests.dbt.test_dbt_build import dbt
from tests.postgres import fresh_database

LOADED = ("LOADED", "LOADED_WITH_WARNINGS")
# The incomplete delivery the test adds: probation, two months after its last extract date.
# in the past: a manifest dated after its arrival, or days ahead of today, is quarantined
INCOMPLETE_EXTRACT = dt.date(2026, 11, 30)
INCOMPLETE_ARRIVAL = dt.datetime(2026, 12, 3, 9, 0)
# Rules ingest checks on particular entities (ingest/rules.py), besides the two generic ones.
AGENCY_RULES = {
    ("csc", "assessments", "1103"),
    ("csc", "s47_enquiries", "1105"),
    ("csc", "cin_plans", "2889"),
    ("csc", "cp_plans", "2889"),
    ("csc", "cp_plans", "2885"),
    ("csc", "cp_plans", "8925"),
    ("csc", "cp_plans", "8935_8940"),
    ("csc", "cin_plans", "4014"),
    ("csc", "referrals", "8805_8810"),
    ("csc", "assessments", "8869"),
    ("csc", "contacts", "decision_after_contact"),
    ("probation", "safeguarding_checks", "response_after_request"),
}


def add_duplicate_and_incomplete(landing: Path) -> None:
    """police's newest manifest arrives again (same bytes, new time); probation sends a
    manifest whose files never arrive."""
    police = sorted((landing / "police").glob("police__manifest__*.json"))[-1]
    later = police.stat().st_mtime + 86400
    os.utime(police, (later, later))
    stamp = INCOMPLETE_EXTRACT.strftime("%Y%m%d")
    manifest = landing / "probation" / f"probation__manifest__{stamp}.json"
    files = [
        {"name": f"probation__{e.name}__{stamp}.csv", "rows": 1, "sha256": "0" * 64}
        for e in contract.entities("probation")
    ]
    manifest.write_text(
        json.dumps(
            {
                "agency": "probation",
                "extract_date": INCOMPLETE_EXTRACT.isoformat(),
                "spec_version": "1",
                "key_id": "synthetic",
                "files": files,
            }
        )
    )
    arrival = INCOMPLETE_ARRIVAL.timestamp()
    os.utime(manifest, (arrival, arrival))


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def wh(request, tiny_defects, tmp_path_factory):
    """A warehouse with the defective deliveries ingested and the data quality marts built."""
    kind = request.param
    tmp_path = tmp_path_factory.mktemp(f"dq-{kind}")
    landing = tmp_path / "landing"
    shutil.copytree(tiny_defects / "landing", landing)
    context = None
    if kind == "duckdb":
        target = Target.parse(tmp_path / "warehouse.duckdb")
        env = {
            "NEGLECT_WAREHOUSE_TARGET": "duckdb",
            "NEGLECT_WAREHOUSE_DUCKDB": str(tmp_path / "warehouse.duckdb"),
        }
    else:
        context = fresh_database()
        url = context.__enter__()
        target = Target.parse(url)
        env = dbt_env(target)  # as the pipeline role, after `db init`
    try:
        options = Options(tmp_path / "quarantine")
        ingest_landing(landing, target, options)
        add_duplicate_and_incomplete(landing)
        ingest_landing(landing, target, options)
        result = dbt(tmp_path, "build", "--select", "+marts.data_quality", "marts.linkage", **env)
        assert result.returncode == 0, result.stdout[-4000:]
        assert "ERROR=0" in result.stdout
        with Warehouse(target) as warehouse:
            yield warehouse
    finally:
        if context is not None:
            context.__exit__(None, None, None)


def loaded_deliveries(wh) -> list[tuple[str, str, dt.date]]:
    return wh.query(
        "select delivery_id, agency, extract_date from raw.deliveries "
        "where state in ('LOADED', 'LOADED_WITH_WARNINGS') and agency <> 'reference' "
        "order by 1"
    )


def as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def test_every_delivery_has_one_row_with_its_state(wh):
    raw = dict(
        wh.query("select delivery_id, state from raw.deliveries where agency <> 'reference'")
    )
    mart = wh.query("select delivery_id, state from marts.fct_dq_deliveries")
    assert len(mart) == len(raw)
    assert dict(mart) == raw
    # the fixture holds loaded, quarantined and incomplete deliveries
    assert {"LOADED_WITH_WARNINGS", "QUARANTINED", "INCOMPLETE"} <= set(raw.values())
    not_loaded = wh.query(
        "select files_loaded, consistency_breaches, persons_with_person_token_pct "
        "from marts.fct_dq_deliveries where state in ('QUARANTINED', 'INCOMPLETE')"
    )
    assert not_loaded and all(row == (None, None, None) for row in not_loaded)
    current = wh.query(
        "select agency, delivery_id from marts.fct_dq_deliveries where is_current order by 1"
    )
    assert current == wh.query(
        "select agency, delivery_id from raw.current_deliveries where agency <> 'reference' "
        "order by 1"
    )


def test_timeliness_worked_by_hand(wh):
    rows = wh.query(
        "select agency, extract_date, arrived_at, days_extract_to_arrival, "
        "previous_extract_date, months_since_previous_delivery, delivery_number "
        "from marts.fct_dq_deliveries order by agency, delivery_number"
    )
    for agency, extract, arrived, days, previous, months, number in rows:
        assert days == (as_date(arrived) - as_date(extract)).days
        earlier = [as_date(r[1]) for r in rows if r[0] == agency and r[1] < extract]
        if not earlier:
            assert previous is None and months is None
        else:
            last = max(earlier)
            assert as_date(previous) == last
            assert months == (extract.year - last.year) * 12 + extract.month - last.month
        assert number == 1 + sum(1 for r in rows if r[0] == agency and r[6] < number)
    # the incomplete probation delivery: extract 2026-11-30, arrived 2026-12-03 09:00, the
    # previous extract 2026-10-31
    (row,) = [r for r in rows if r[0] == "probation" and as_date(r[1]) == INCOMPLETE_EXTRACT]
    assert row[3] == 3
    assert as_date(row[4]) == dt.date(2026, 10, 31)
    assert row[5] == 1
    assert row[6] == 3
    # a monthly delivery: one month since the one before
    assert [r[5] for r in rows if r[0] == "police"] == [None, 1]


def test_duplicate_arrival_is_counted(wh):
    rows = wh.query(
        "select agency, extract_date, duplicate_arrivals from marts.fct_dq_deliveries "
        "order by agency, extract_date"
    )
    newest_police = max(r[1] for r in rows if r[0] == "police")
    for agency, extract, duplicates in rows:
        assert duplicates == (1 if (agency, extract) == ("police", newest_police) else 0)


def test_row_conservation(wh):
    files = {
        (d, e): (i, lo, rej)
        for d, e, i, lo, rej in wh.query(
            "select delivery_id, entity, rows_in, rows_loaded, rows_rejected "
            "from raw.delivery_files"
        )
    }
    rejected_lines = dict(
        ((d, e), n)
        for d, e, n in wh.query(
            "select delivery_id, entity, count(distinct line) from raw.rejected_rows "
            "group by delivery_id, entity"
        )
    )
    mart = wh.query(
        "select delivery_id, entity, rows_in, rows_loaded, rows_rejected, "
        "is_row_count_conserved from marts.fct_dq_uniqueness"
    )
    loaded = {d for d, _, _ in loaded_deliveries(wh)}
    assert {(d, e) for d, e, *_ in mart} == {k for k in files if k[0] in loaded}
    for delivery, entity, rows_in, rows_loaded, rows_rejected, conserved in mart:
        assert (rows_in, rows_loaded, rows_rejected) == files[delivery, entity]
        assert rows_in == rows_loaded + rows_rejected and conserved
        assert rows_rejected == rejected_lines.get((delivery, entity), 0)
        assert (
            rows_loaded
            == wh.query(
                f"select count(*) from {raw_table(delivery_agency(wh, delivery), entity)} "
                "where _delivery_id = ?",
                [delivery],
            )[0][0]
        )
    for delivery, rows_in, rows_loaded, rows_rejected, files_loaded in wh.query(
        "select delivery_id, rows_in, rows_loaded, rows_rejected, files_loaded "
        "from marts.fct_dq_deliveries where state in ('LOADED', 'LOADED_WITH_WARNINGS')"
    ):
        mine = [v for k, v in files.items() if k[0] == delivery]
        assert rows_in == rows_loaded + rows_rejected == sum(v[0] for v in mine)
        assert rows_rejected == sum(v[2] for v in mine)
        assert files_loaded == len(mine)


def delivery_agency(wh, delivery_id: str) -> str:
    return wh.query("select agency from raw.deliveries where delivery_id = ?", [delivery_id])[0][0]


def test_consistency_counts_equal_the_recorded_breaches(wh):
    raw = {
        (d, e, r): n
        for d, e, r, n in wh.query(
            "select delivery_id, entity, rule, count(*) from raw.rule_breaches "
            "group by delivery_id, entity, rule"
        )
    }
    assert sum(raw.values()) > 50  # the fixture breaks rules
    mart = {
        (d, e, r): n
        for d, e, r, n in wh.query(
            "select delivery_id, entity, rule, breach_count from marts.fct_dq_consistency"
        )
    }
    assert {k: n for k, n in mart.items() if n > 0} == raw
    totals = dict(
        wh.query(
            "select delivery_id, consistency_breaches from marts.fct_dq_deliveries "
            "where state in ('LOADED', 'LOADED_WITH_WARNINGS')"
        )
    )
    for delivery, total in totals.items():
        assert total == sum(n for k, n in raw.items() if k[0] == delivery)


def expected_rules(agency: str) -> set[tuple[str, str]]:
    """The (entity, rule) pairs ingest checks for an agency, from the contract."""
    rules = {(e, r) for a, e, r in AGENCY_RULES if a == agency}
    for entity in contract.entities(agency):
        if entity.references:
            rules.add((entity.name, "reference_resolves"))
        for c in entity.columns:
            exempt = c.future_allowed or (c.name == "birth_month" and agency in ("csc", "health"))
            if c.type in ("date", "datetime", "month") and not exempt:
                rules.add((entity.name, "no_future_date"))
    return rules


def test_every_rule_has_a_row_and_zero_when_not_broken(wh):
    raw = {
        (d, e, r) for d, e, r in wh.query("select delivery_id, entity, rule from raw.rule_breaches")
    }
    zeros = 0
    for delivery, agency, _ in loaded_deliveries(wh):
        rows = wh.query(
            "select entity, rule, breach_count, rule_description, records_checked "
            "from marts.fct_dq_consistency where delivery_id = ?",
            [delivery],
        )
        assert {(e, r) for e, r, *_ in rows} == expected_rules(agency)
        for entity, rule, count, description, checked in rows:
            assert description and checked is not None
            if (delivery, entity, rule) not in raw:
                assert count == 0
                zeros += 1
    assert zeros > 20


def column_rows(wh) -> dict[tuple[str, str, str], tuple]:
    return {
        (d, e, c): rest
        for d, e, c, *rest in wh.query(
            "select delivery_id, entity, column_name, rows_loaded, null_values, "
            "rows_rejected_missing, rows_rejected_invalid, values_out_of_range, "
            "completeness_pct, validity_pct from marts.fct_dq_columns"
        )
    }


def test_columns_cover_the_contract(wh):
    rows = column_rows(wh)
    for delivery, agency, _ in loaded_deliveries(wh):
        for entity in contract.entities(agency):
            for c in entity.columns:
                assert (delivery, entity.name, c.name) in rows
    assert len(rows) == sum(
        len(e.columns) for _, a, _ in loaded_deliveries(wh) for e in contract.entities(a)
    )
    dim = {
        (a, e, c): (t, r, f)
        for a, e, c, t, r, f in wh.query(
            "select agency, entity, column_name, column_type, is_required, "
            "future_dates_allowed from marts.dim_dq_columns"
        )
    }
    assert dim == {
        (a, e.name, c.name): (
            c.type,
            c.required,
            c.future_allowed or (c.name == "birth_month" and a in ("csc", "health")),
        )
        for a in contract.AGENCIES
        for e in contract.entities(a)
        for c in e.columns
    }


def test_completeness(wh):
    rows = column_rows(wh)
    rejected = Counter(
        (d, e, c, r)
        for d, e, c, r in wh.query(
            "select delivery_id, entity, column_name, rule from raw.rejected_rows"
        )
    )
    checked_with_rejections = 0
    for delivery, agency, _ in loaded_deliveries(wh):
        for entity in contract.entities(agency):
            for c in (c for c in entity.columns if c.required):
                loaded, nulls, missing, invalid, _, completeness, _ = rows[
                    delivery, entity.name, c.name
                ]
                assert nulls == 0  # a row missing a required value is rejected
                raw_missing = rejected[delivery, entity.name, c.name, "missing_required_value"]
                assert missing == raw_missing
                if raw_missing == 0:
                    assert completeness == 100.0, (delivery, entity.name, c.name)
                else:
                    checked_with_rejections += 1
                    raw_invalid = sum(
                        n
                        for (d, e, col, rule), n in rejected.items()
                        if (d, e, col) == (delivery, entity.name, c.name)
                        and rule.startswith("bad_")
                    )
                    assert completeness == pytest.approx(
                        100 * (loaded + raw_invalid) / (loaded + raw_missing + raw_invalid)
                    )
                    assert completeness < 100
    assert checked_with_rejections > 5
    # optional columns, counted in the raw tables themselves
    for delivery, agency, _ in loaded_deliveries(wh):
        if agency != "csc":
            continue
        for entity, column in (("contacts", "decision_datetime"), ("s47_enquiries", "icpc_date")):
            total, present = wh.query(
                f"select count(*), count({column}) from {raw_table(agency, entity)} "
                "where _delivery_id = ?",
                [delivery],
            )[0]
            loaded, nulls, missing, invalid, _, completeness, _ = rows[delivery, entity, column]
            assert (loaded, nulls, missing, invalid) == (total, total - present, 0, 0)
            assert completeness == pytest.approx(100 * present / total)
            assert 0 < completeness < 100


def in_code_list(value: str, column: contract.Column) -> bool:
    codes = contract.code_lists()[column.codes]
    if column.type == "code_list":
        return all(part in codes for part in value.split(";"))
    return value in codes


def after_extract_date(value: str, column: contract.Column, extract: dt.date) -> bool:
    if column.type == "month":
        return (int(value[:4]), int(value[5:7])) > (extract.year, extract.month)
    return dt.date.fromisoformat(value[:10]) > extract


def test_validity_from_the_delivered_values(wh):
    """Codes outside their lists and dates after the extract date, counted here from the raw
    values with the contract's code lists, match the mart."""
    rows = column_rows(wh)
    seen = Counter()
    for delivery, agency, extract in loaded_deliveries(wh):
        extract = as_date(extract)
        for entity in contract.entities(agency):
            for c in entity.columns:
                if c.type in ("code", "code_list"):
                    check = "codes"
                elif c.type in ("date", "datetime", "month"):
                    check = "dates"
                else:
                    continue
                values = [
                    v
                    for (v,) in wh.query(
                        f"select {c.name} from {raw_table(agency, entity.name)} "
                        f"where _delivery_id = ? and {c.name} is not null",
                        [delivery],
                    )
                ]
                if check == "codes":
                    bad = sum(not in_code_list(v, c) for v in values)
                else:
                    exempt = c.future_allowed or (
                        c.name == "birth_month" and agency in ("csc", "health")
                    )
                    bad = 0 if exempt else sum(after_extract_date(v, c, extract) for v in values)
                loaded, nulls, _, invalid, out_of_range, _, validity = rows[
                    delivery, entity.name, c.name
                ]
                assert loaded - nulls == len(values)
                assert out_of_range == bad, (delivery, entity.name, c.name)
                if values or invalid:
                    assert validity == pytest.approx(
                        100 * (len(values) - bad) / (len(values) + invalid)
                    )
                else:
                    assert validity is None
                if bad:
                    seen[check] += 1
    assert seen["codes"] > 3 and seen["dates"] > 0  # the fixture has both kinds
    codes_outside = dict(
        wh.query(
            "select delivery_id, codes_outside_list from marts.fct_dq_deliveries "
            "where state in ('LOADED', 'LOADED_WITH_WARNINGS')"
        )
    )
    gx = dict(
        wh.query(
            "select delivery_id, sum(unexpected_count) from raw.validation_results "
            "where expectation in ('expect_column_values_to_be_in_set', "
            "'expect_column_values_to_match_regex') group by delivery_id"
        )
    )
    assert codes_outside == {d: int(n) for d, n in gx.items()}


def test_uniqueness(wh):
    raw = dict(
        ((d, e), n)
        for d, e, n in wh.query(
            "select delivery_id, entity, count(*) from raw.rejected_rows "
            "where rule = 'repeated_id' group by delivery_id, entity"
        )
    )
    assert sum(raw.values()) > 10
    mart = wh.query(
        "select delivery_id, entity, rows_in, duplicate_ids, unique_ids_pct, "
        "are_loaded_ids_unique from marts.fct_dq_uniqueness"
    )
    for delivery, entity, rows_in, duplicates, pct, loaded_unique in mart:
        assert duplicates == raw.get((delivery, entity), 0)
        assert pct == pytest.approx(100 * (rows_in - duplicates) / rows_in)
        assert loaded_unique is True
    assert sum(r[3] for r in mart) == sum(raw.values())


def test_linkage(wh):
    rows = wh.query(
        "select agency, delivery_id, state, is_current, persons_loaded, "
        "persons_with_person_token_pct, persons_linked_to_csc_child_pct "
        "from marts.fct_dq_deliveries"
    )
    summary = {
        a: (p, t, lk)
        for a, p, t, lk in wh.query(
            "select agency, persons, pct_with_person_token, pct_linked_to_csc_child "
            "from marts.mart_linkage_summary"
        )
    }
    for agency, delivery, state, current, persons, with_token, linked in rows:
        if state in LOADED:
            total, tokened = wh.query(
                f"select count(*), count(person_token) from {raw_table(agency, 'persons')} "
                "where _delivery_id = ?",
                [delivery],
            )[0]
            assert persons == total
            assert with_token == pytest.approx(100 * tokened / total)
            assert 0 <= with_token <= 100
        if current:
            assert linked is not None and 0 <= linked <= 100
            assert summary[agency][0] == persons
            assert float(summary[agency][1]) == pytest.approx(with_token, abs=0.051)
            assert float(summary[agency][2]) == pytest.approx(linked, abs=0.051)
        else:
            assert linked is None
    (csc,) = [r for r in rows if r[0] == "csc" and r[3]]
    assert csc[6] == 100.0
    others = [r[6] for r in rows if r[0] != "csc" and r[3]]
    assert any(0 < v < 100 for v in others)
