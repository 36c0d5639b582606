"""The Standard Safeguarding Dataset (SSD) mapping on a hand-built SSD with the local
extension (tests/sources/fixtures/csc_ssd.sql): every translation, the window's edges, an
unborn child, a missing NHS number, a CP plan whose category changed, a referral whose contact
left the window, factor lists (21 alone, 21 with another), a closure without a reason,
missing episodes, looked-after episodes with their legal status, records held twice, and the
SSD-specific ways a council's SSD can fall short of the contract."""

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

SCRIPT = FIXTURES / "csc_ssd.sql"
EXPECTED = FIXTURES / "csc_ssd"
EXTRACT_DATE = dt.date(2026, 10, 31)


def test_duckdb_source_gives_the_expected_delivery(tmp_path):
    url = source_from_sql(SCRIPT, tmp_path / "csc.duckdb")
    report = check_fixture("csc", "ssd", url, EXPECTED, tmp_path, EXTRACT_DATE)
    assert report.rows == {
        "persons": 6,
        "contacts": 7,
        "referrals": 7,
        "assessments": 5,
        "s47_enquiries": 4,
        "cin_plans": 2,
        "cp_plans": 4,
        "cla_episodes": 3,
        "missing_episodes": 4,
        "family_hub": 2,
        "neglect_tools": 3,
    }


def test_postgres_source_gives_the_same_delivery(tmp_path):
    url = postgres_source_from_sql(SCRIPT, POSTGRES_URL, "fixture_csc_ssd")
    check_fixture("csc", "ssd", url, EXPECTED, tmp_path, EXTRACT_DATE)


@pytest.mark.parametrize(
    ("breaking", "kind", "message", "column", "key"),
    [
        (
            # the SSD's code set allows "Multiple: [list of categories]"
            "update ssd_cp_plans set cppl_cp_plan_initial_category = "
            "'Multiple: Neglect, Emotional abuse' where cppl_cp_plan_id = 'CP3'",
            "untranslated_code",
            "the code 'Multiple: Neglect, Emotional abuse' has no translation in abuse_category",
            "initial_category",
            "CP3",
        ),
        (
            # SystemC's SSD script writes the legal status description, not the SSDA903 code
            "update ssd_legal_status set lega_legal_status = 'Interim care order' "
            "where lega_legal_status_id = 'LS1'",
            "unknown_code",
            "'Interim care order' is not in the contract's list for cla_episodes.legal_status",
            "legal_status",
            "E1",
        ),
        (
            "delete from ssd_legal_status where lega_person_id = 'P6'",
            "missing_required",
            "null, but the contract requires cla_episodes.legal_status",
            "legal_status",
            "E4",
        ),
        (
            # the local extension not filled in for a person
            "delete from ssd_local_extension where lext_item_type = 'LOCALITY' "
            "and lext_record_id = 'P2'",
            "missing_required",
            "null, but the contract requires persons.locality_code",
            "locality_code",
            "P2",
        ),
    ],
    ids=[
        "multiple_category_list",
        "legal_status_description",
        "no_legal_status",
        "no_locality",
    ],
)
def test_an_ssd_short_of_the_contract_is_named(tmp_path, breaking, kind, message, column, key):
    import duckdb

    url = source_from_sql(SCRIPT, tmp_path / "csc.duckdb")
    con = duckdb.connect(str(tmp_path / "csc.duckdb"))
    con.execute(breaking)
    con.close()
    with pytest.raises(ExtractError) as caught:
        extract(url, mappings.load("csc", "ssd"), EXTRACT_DATE, tmp_path, TEST_KEY, "test")
    named = [p for p in caught.value.report.problems if p.kind == kind]
    assert any(message in p.message and (p.column, p.source_key) == (column, key) for p in named)
    assert not (tmp_path / "csc").exists() or not any((tmp_path / "csc").iterdir())
