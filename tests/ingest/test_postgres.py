"""The same ingest on PostgreSQL: same states, same raw layer as on DuckDB."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from neglect_warehouse.partnership.ingest.folder import ingest_landing
from neglect_warehouse.partnership.ingest.pipeline import Options
from neglect_warehouse.partnership.warehouse import Target, Warehouse, raw_table
from neglect_warehouse.shared import contract
from tests.postgres import fresh_database

TABLES = {
    "raw.deliveries": "delivery_id, agency, extract_date, manifest_sha256, key_id, state, "
    "rows_in, rows_loaded, rows_rejected",
    "raw.delivery_files": "*",
    "raw.rejected_rows": "*",
    "raw.rule_breaches": "*",
    "raw.validation_results": "delivery_id, entity, expectation, column_name, success, "
    "element_count, unexpected_count",
    **{raw_table(a, e.name): "*" for a in contract.AGENCIES for e in contract.entities(a)},
}


def contents(target: Target) -> dict[str, list]:
    def norm(v):
        return v.isoformat() if isinstance(v, dt.date | dt.datetime) else v

    with Warehouse(target) as wh:
        return {
            t: sorted(
                (tuple(norm(v) for v in row) for row in wh.query(f"select {cols} from {t}")),
                key=repr,
            )
            for t, cols in TABLES.items()
        }


@pytest.fixture
def postgres_url():
    with fresh_database() as url:
        yield url


def test_postgres_and_duckdb_hold_the_same_raw_layer(tiny_defects, tmp_path, postgres_url):
    outcomes = {}
    for name, target in (
        ("duckdb", Target.parse(tmp_path / "wh.duckdb")),
        ("postgres", Target.parse(postgres_url)),
    ):
        landing = tmp_path / f"landing-{name}"
        shutil.copytree(tiny_defects / "landing", landing)
        outcomes[name] = [
            (o.agency, str(o.extract_date), o.state, o.rows_loaded)
            for o in ingest_landing(landing, target, Options(tmp_path / f"q-{name}"))
        ]
    assert outcomes["duckdb"] == outcomes["postgres"]
    states = {o[2] for o in outcomes["postgres"]}
    assert "QUARANTINED" in states and "LOADED_WITH_WARNINGS" in states  # drift + defects
    duck, pg = contents(Target.parse(tmp_path / "wh.duckdb")), contents(Target.parse(postgres_url))
    for table in TABLES:
        assert duck[table] == pg[table], table
    assert len(duck[raw_table("health", "appointments")]) > 1000


def test_postgres_rerun_is_a_no_op_and_redelivery_a_duplicate(tiny_clean, tmp_path, postgres_url):
    import os

    landing = tmp_path / "landing"
    shutil.copytree(tiny_clean / "landing", landing)
    target = Target.parse(postgres_url)

    def police():
        return ingest_landing(landing, target, Options(tmp_path / "q"), agencies=("police",))

    first = police()
    assert [(o.agency, o.state) for o in first] == [
        ("reference", "LOADED"),
        ("police", "LOADED"),
        ("police", "LOADED"),
    ]
    before = contents(target)
    assert police() == []
    manifest = next((landing / "police").glob("*manifest__20261031.json"))
    os.utime(manifest, (manifest.stat().st_atime, manifest.stat().st_mtime + 60))
    again = police()
    assert [o.state for o in again] == ["DUPLICATE"]
    assert contents(target) == before
