"""The contract is the single source of truth: the GX suites and the generated dbt files
committed in the repository are exactly what it generates."""

from __future__ import annotations

import pytest

from neglect_warehouse.partnership import expectations
from neglect_warehouse.partnership.transform import dbt_sources
from neglect_warehouse.shared import contract


@pytest.mark.parametrize("agency", contract.AGENCIES)
def test_gx_suites_match_the_contract(agency):
    for entity in contract.entities(agency):
        path = expectations.suite_path(entity)
        assert path.read_text() == expectations.render(entity), (
            f"{path} differs from the contract: run `neglect-warehouse contract sync`"
        )


def test_every_entity_has_exactly_one_suite():
    names = {p.stem for p in expectations.suites_dir().glob("*.json")}
    wanted = {expectations.suite_name(e) for a in contract.AGENCIES for e in contract.entities(a)}
    assert names == wanted


def test_suites_hold_the_contract_code_lists():
    suite = expectations.suite_for(contract.entity("csc", "cp_plans"))
    in_set = {
        e["kwargs"]["column"]: e["kwargs"]["value_set"]
        for e in suite["expectations"]
        if e["type"] == "expect_column_values_to_be_in_set"
    }
    assert in_set["latest_category"] == ["NEG", "PHY", "SAB", "EMO", "MUL"]


def test_generated_dbt_files_match_the_contract():
    """Sources, staging models and their tests, and the bank-holiday seed."""
    for path, text in dbt_sources.generated_files().items():
        assert path.exists() and path.read_text() == text, (
            f"{path} differs from the contract: run `neglect-warehouse contract sync`"
        )


def test_every_entity_has_a_staging_model():
    staged = {
        p.stem
        for p in (dbt_sources.DBT / "models" / "staging").rglob("stg_*.sql")
        if p.parent.name != "ingest"  # the load metadata's models are written by hand
    }
    wanted = {
        dbt_sources.model_name(a, e.name)
        for a in (*contract.AGENCIES, "reference")
        for e in contract.entities(a)
    }
    assert staged == wanted


def test_bank_holidays_come_from_the_library_and_include_known_days():
    seed = dbt_sources.bank_holidays_csv()
    assert "2020-05-08,May Day" in seed  # moved for VE Day
    assert "2022-09-19" in seed  # the State Funeral of Queen Elizabeth II
    assert "2026-12-28" in seed  # Boxing Day (observed): 26 December 2026 is a Saturday
