"""The police records-management mapping on a hand-built system: every translation, the
window's edges (occurrences, notifications, warning markers, strategy discussions), the
notification whose occurrence is older than the window, the sharing with the MASH after the
extract date and the identifiers (tests/sources/fixtures/police_rms.sql)."""

from __future__ import annotations

import datetime as dt

import pytest

from neglect_warehouse.agency import mapping as mappings
from neglect_warehouse.agency.extract import ExtractError, extract
from tests.sources.fixture_source import (
    FIXTURES,
    POSTGRES_URL,
    TEST_KEY,
    check_fixture,
    postgres_source_from_sql,
    source_from_sql,
)

SCRIPT = FIXTURES / "police_rms.sql"
EXPECTED = FIXTURES / "police_rms"
EXTRACT_DATE = dt.date(2026, 10, 31)


def test_duckdb_source_gives_the_expected_delivery(tmp_path):
    url = source_from_sql(SCRIPT, tmp_path / "police.duckdb")
    report = check_fixture("police", "rms", url, EXPECTED, tmp_path, EXTRACT_DATE)
    assert report.rows == {
        "persons": 5,
        "incidents": 10,
        "child_notifications": 6,
        "flags": 5,
        "strategy_discussions": 2,
    }


def test_postgres_source_gives_the_same_delivery(tmp_path):
    url = postgres_source_from_sql(SCRIPT, POSTGRES_URL, "fixture_police_rms")
    check_fixture("police", "rms", url, EXPECTED, tmp_path, EXTRACT_DATE)


@pytest.mark.parametrize(
    ("breaking", "message", "column", "key"),
    [
        (
            "update occurrence set occurred_datetime = null where occurrence_id = 'INC5'",
            "occurrence.occurred_datetime: null, but the contract requires "
            "incidents.incident_datetime",
            "incident_datetime",
            "INC5",
        ),
        (
            "update warning_marker set date_from = null where marker_id = 'F4'",
            "warning_marker.date_from: null, but the contract requires flags.start_date",
            "start_date",
            "F4",
        ),
    ],
    ids=["occurrence_without_a_time", "marker_without_a_start"],
)
def test_a_null_window_date_is_named_not_left_out(tmp_path, breaking, message, column, key):
    """The window tests let a null date through, so the record is reported, not dropped."""
    import duckdb

    url = source_from_sql(SCRIPT, tmp_path / "police.duckdb")
    con = duckdb.connect(str(tmp_path / "police.duckdb"))
    con.execute(breaking)
    con.close()
    with pytest.raises(ExtractError) as caught:
        extract(url, mappings.load("police", "rms"), EXTRACT_DATE, tmp_path, TEST_KEY, "test")
    named = [p for p in caught.value.report.problems if p.kind == "missing_required"]
    assert any(message in p.message and (p.column, p.source_key) == (column, key) for p in named)
    assert not (tmp_path / "police").exists() or not any((tmp_path / "police").iterdir())
