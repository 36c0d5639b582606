"""The health mapping on a hand-built system shaped on the NHS national data sets: every
translation (ATTENDED OR DID NOT ATTEND 2-7, activity types, SNOMED CT services, gender,
mental health team types), the window's edges, the ED attendance at 23:59 on the extract date
and the one a minute later, the appointment not yet happened (code 0), the duplicated care
contact, the unborn child, the patient with no NHS number and a child's records in the
contract's key order (tests/sources/fixtures/health_nhs_datasets.sql)."""

from __future__ import annotations

import datetime as dt

import duckdb
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

SCRIPT = FIXTURES / "health_nhs_datasets.sql"
EXPECTED = FIXTURES / "health_nhs_datasets"
EXTRACT_DATE = dt.date(2026, 10, 31)


def test_duckdb_source_gives_the_expected_delivery(tmp_path):
    url = source_from_sql(SCRIPT, tmp_path / "health.duckdb")
    report = check_fixture("health", "nhs_datasets", url, EXPECTED, tmp_path, EXTRACT_DATE)
    assert report.rows == {
        "persons": 5,
        "appointments": 12,
        "ed_attendances": 4,
        "antenatal_bookings": 2,
        "child_records": 6,
        "adult_episodes": 4,
    }


def test_postgres_source_gives_the_same_delivery(tmp_path):
    url = postgres_source_from_sql(SCRIPT, POSTGRES_URL, "fixture_health_nhs_datasets")
    check_fixture("health", "nhs_datasets", url, EXPECTED, tmp_path, EXTRACT_DATE)


def test_a_care_contact_without_a_care_activity_stops_the_extract(tmp_path):
    """CYP202 holds the appointment type: a contact with no activity is named, not guessed."""
    path = tmp_path / "health.duckdb"
    url = source_from_sql(SCRIPT, path)
    con = duckdb.connect(str(path))
    con.execute(
        "insert into cyp201_care_contact values "
        "('AP20', 'H1', '2025-05-05', '788007007', '5', null, null)"
    )
    con.close()
    with pytest.raises(ExtractError) as failed:
        extract(
            url,
            mappings.load("health", "nhs_datasets"),
            EXTRACT_DATE,
            tmp_path / "landing",
            TEST_KEY,
            "test",
        )
    report = failed.value.report
    assert report.counts == {"appointments.appointment_type.missing_required": 1}
    assert report.problems[0].source_key == "AP20"
    assert not list((tmp_path / "landing").rglob("*manifest*"))
