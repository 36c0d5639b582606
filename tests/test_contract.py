"""The contract is the single source of truth: the GX suites and the generated dbt files
committed in the repository are exactly what it generates."""

from __future__ import annotations

import csv
import io

import pytest

from neglect_warehouse.partnership import expectations
from neglect_warehouse.partnership.ingest import rules
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
    """Sources, base and staging models and their tests, the contract seeds, the models with
    a branch per agency or entity, and the bank-holiday seed."""
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


def test_every_agency_entity_has_a_base_model_of_every_delivery():
    based = {p.stem for p in (dbt_sources.DBT / "models" / "staging").rglob("base_*.sql")}
    wanted = {
        dbt_sources.base_model_name(a, e.name)
        for a in contract.AGENCIES
        for e in contract.entities(a)
    }
    assert {b for b in based if not b.startswith("base_ingest__")} == wanted


def test_the_contract_seeds_hold_the_contract():
    """dbt reads the contract as data: every column with its flags, the agencies, the loaded
    states and the rules ingest checks."""
    columns = list(csv.DictReader(io.StringIO(dbt_sources.contract_columns_csv())))
    decision = next(
        c for c in columns if (c["entity"], c["column_name"]) == ("contacts", "decision_datetime")
    )
    assert decision["indicator_critical"] == "F01" and decision["is_required"] == "false"
    assert len(columns) == sum(
        len(e.columns)
        for a in (*contract.AGENCIES, contract.REFERENCE)
        for e in contract.entities(a)
    )
    future = {
        (c["agency"], c["entity"], c["column_name"])
        for c in columns
        if c["future_allowed"] == "true"
    }
    assert future == {
        (a, e.name, c.name)
        for a in contract.AGENCIES
        for e in contract.entities(a)
        for c in e.columns
        if c.future_allowed
    }
    agencies = list(csv.DictReader(io.StringIO(dbt_sources.contract_agencies_csv())))
    assert [a["agency"] for a in agencies] == list(contract.AGENCIES)
    states = list(csv.DictReader(io.StringIO(dbt_sources.contract_delivery_states_csv())))
    assert {s["state"] for s in states if s["is_loaded"] == "true"} == set(contract.LOADED_STATES)
    assert [s["state"] for s in states if s["is_duplicate"] == "true"] == [
        contract.DeliveryState.DUPLICATE
    ]
    rules = list(csv.DictReader(io.StringIO(dbt_sources.contract_rules_csv())))
    assert len({(r["agency"], r["entity"], r["rule"]) for r in rules}) == len(rules)


def test_each_entity_a_rule_names_belongs_to_one_agency():
    """ingest/rules.py names the entities of its particular rules without their agency."""
    for rule in rules.RULES:
        for name in rule.entities:
            owners = [
                a for a in contract.AGENCIES if name in {e.name for e in contract.entities(a)}
            ]
            assert len(owners) == 1, (rule.id, name, owners)


def test_indicator_critical_columns_are_optional_and_say_what_needs_them():
    critical = [
        c
        for a in contract.AGENCIES
        for e in contract.entities(a)
        for c in e.columns
        if c.indicator_critical
    ]
    assert len(critical) == 27
    assert all(not c.required and c.indicator_critical.strip() for c in critical)


def test_bank_holidays_come_from_the_library_and_include_known_days():
    seed = dbt_sources.bank_holidays_csv()
    assert "2020-05-08,May Day" in seed  # moved for VE Day
    assert "2022-09-19" in seed  # the State Funeral of Queen Elizabeth II
    assert "2026-12-28" in seed  # Boxing Day (observed): 26 December 2026 is a Saturday
