"""The probation case-management mapping on a hand-built system: every translation, the
window's edges and the identifiers (tests/sources/fixtures/probation_case_management.sql)."""

from __future__ import annotations

import datetime as dt

from tests.sources.fixture_source import (
    FIXTURES,
    POSTGRES_URL,
    check_fixture,
    postgres_source_from_sql,
    source_from_sql,
)

SCRIPT = FIXTURES / "probation_case_management.sql"
EXPECTED = FIXTURES / "probation_case_management"
EXTRACT_DATE = dt.date(2026, 10, 31)


def test_duckdb_source_gives_the_expected_delivery(tmp_path):
    url = source_from_sql(SCRIPT, tmp_path / "probation.duckdb")
    report = check_fixture("probation", "case_management", url, EXPECTED, tmp_path, EXTRACT_DATE)
    assert report.rows == {"persons": 3, "cases": 4, "safeguarding_checks": 3, "home_visits": 2}


def test_postgres_source_gives_the_same_delivery(tmp_path):
    url = postgres_source_from_sql(SCRIPT, POSTGRES_URL, "fixture_probation_cms")
    check_fixture("probation", "case_management", url, EXPECTED, tmp_path, EXTRACT_DATE)
