"""The contract is the single source of truth: the GX suites and dbt sources committed in the
repository are exactly what it generates, and the reader uses its columns."""

from __future__ import annotations

import pytest

from neglect_warehouse import contract, dbt_sources, expectations


@pytest.mark.parametrize("agency", contract.AGENCIES)
def test_gx_suites_match_the_contract(agency):
    for entity in contract.entities(agency):
        path = expectations.suite_path(entity)
        assert path.read_text() == expectations.render(entity), (
            f"{path} differs from the contract: run `neglect-warehouse contract sync`"
        )


@pytest.mark.parametrize("agency", contract.AGENCIES)
def test_dbt_sources_match_the_contract(agency):
    path = dbt_sources.path_for(agency)
    assert path.read_text() == dbt_sources.render(agency), (
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
