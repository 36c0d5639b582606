"""The dbt project builds for real on both warehouses from the same ingested deliveries."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from neglect_warehouse.partnership.ingest.folder import ingest_landing
from neglect_warehouse.partnership.ingest.pipeline import Options
from neglect_warehouse.partnership.transform.dbt_build import dbt_env
from neglect_warehouse.partnership.transform.dbt_sources import model_name
from neglect_warehouse.partnership.warehouse import Target, Warehouse, raw_table
from neglect_warehouse.shared import contract
from tests.postgres import fresh_database

PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
DBT = shutil.which("dbt") or str(Path(sys.executable).parent / "dbt")


def dbt(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            DBT,
            *args,
            "--project-dir",
            str(PROJECT),
            "--profiles-dir",
            str(PROJECT),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=900,
    )


def staging_matches_current_raw(target: Target) -> None:
    with Warehouse(target) as wh:
        current = dict(wh.query("select agency, delivery_id from raw.current_deliveries"))
        for agency in contract.AGENCIES:
            for e in contract.entities(agency):
                raw = wh.query(
                    f"select count(*) from {raw_table(agency, e.name)} where _delivery_id = ?",
                    [current[agency]],
                )[0][0]
                staged = wh.query(f"select count(*) from staging.{model_name(agency, e.name)}")[0][
                    0
                ]
                assert staged == raw, (agency, e.name)
        holidays = wh.query("select count(*) from staging.bank_holidays")[0][0]
        assert holidays > 200


@pytest.mark.parametrize("kind", ["duckdb", "postgres"])
def test_dbt_build_passes(kind, tiny_clean, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(tiny_clean / "landing", landing)
    if kind == "duckdb":
        target = Target.parse(tmp_path / "warehouse.duckdb")
        env = {
            "NEGLECT_WAREHOUSE_TARGET": "duckdb",
            "NEGLECT_WAREHOUSE_DUCKDB": str(tmp_path / "warehouse.duckdb"),
        }
        context = None
    else:
        context = fresh_database()
        url = context.__enter__()
        target = Target.parse(url)
        env = dbt_env(target)  # as the pipeline role, after `db init`
    try:
        ingest_landing(landing, target, Options(tmp_path / "quarantine"))
        result = dbt(tmp_path, "build", **env)
        assert result.returncode == 0, result.stdout[-4000:]
        assert "ERROR=0" in result.stdout
        staging_matches_current_raw(target)
        if kind == "duckdb":  # linkage against the generator's ground truth
            from neglect_synthetic.bench.bench_linkage import measure

            quality = measure(
                tmp_path / "warehouse.duckdb", tiny_clean / "out" / "truth" / "person_links.csv"
            )
            assert quality["precision"] == 1.0  # two children are never merged
            assert quality["recall"] > 0.9
    finally:
        if context is not None:
            context.__exit__(None, None, None)
