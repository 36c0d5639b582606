"""Fixtures shared by the dbt tests: the tiny partnership with defects, ingested and built on
both warehouses (once per test session: the tests only read them, or rebuild to the same rows)."""

from __future__ import annotations

import shutil

import pytest

from neglect_warehouse.partnership.ingest.folder import ingest_landing
from neglect_warehouse.partnership.ingest.pipeline import Options
from neglect_warehouse.partnership.transform.dbt_build import dbt_env
from neglect_warehouse.partnership.warehouse import Target
from tests.dbt.test_dbt_build import dbt
from tests.postgres import fresh_database


@pytest.fixture(scope="session")
def warehouses(tiny_defects, tmp_path_factory):
    """tiny with defects (rejected rows, rule breaches, a quarantined delivery or two),
    ingested and built on DuckDB and on a fresh PostgreSQL database (initialised as
    production is, loaded and built by the pipeline role)."""
    base = tmp_path_factory.mktemp("indicators")
    with fresh_database() as url:
        built = {}
        for kind in ("duckdb", "postgres"):
            landing = base / kind / "landing"
            shutil.copytree(tiny_defects / "landing", landing)
            if kind == "duckdb":
                target = Target.parse(base / kind / "warehouse.duckdb")
            else:
                target = Target.parse(url)  # the pipeline role, after `db init`
            env = dbt_env(target)
            ingest_landing(landing, target, Options(base / kind / "quarantine"))
            result = dbt(base / kind, "build", "--exclude", "test_type:unit", **env)
            assert result.returncode == 0, result.stdout[-4000:]
            built[kind] = target
        yield built
