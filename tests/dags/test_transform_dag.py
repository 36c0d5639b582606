"""The transform DAG: scheduled on every asset the ingest DAGs emit, runs dbt for real
(``dag.test()``) on a tiny partnership and emits the marts asset; dbt failures name the node."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from neglect_warehouse.partnership import analyst_copy
from neglect_warehouse.partnership.ingest.folder import ingest_landing
from neglect_warehouse.partnership.ingest.pipeline import Options
from neglect_warehouse.partnership.transform.dbt_build import (
    PROJECT,
    UNIT_TESTED,
    TransformError,
    agency_selection,
    build,
    code_fingerprint,
    data_change_selection,
    dbt_env,
    state_directory,
)
from neglect_warehouse.partnership.warehouse import Target, Warehouse
from tests.dags.conftest import DAGS, airflow_env, run_dag

RAW_URIS = {f"neglect-warehouse://raw/{a}" for a in ("csc", "police", "health", "probation")}
RAW_URIS.add("neglect-warehouse://raw/reference")

DESCRIBE = f"""
import json
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder={str(DAGS)!r})
transform = bag.dags["transform"]
task = transform.task_dict["build_models"]
emitted = sorted({{o.uri for d in bag.dags.values() if d.dag_id.startswith("ingest_")
                   for t in d.tasks for o in t.outlets}})
print(json.dumps({{
    "errors": {{k: str(v) for k, v in bag.import_errors.items()}},
    "schedule": type(transform.timetable.asset_condition).__name__,
    "on": sorted(a.uri for a in transform.timetable.asset_condition.objects),
    "ingest_emits": emitted,
    "pool": task.pool,
    "outlets": [o.uri for o in task.outlets],
    "catchup": transform.catchup,
    "max_active_runs": transform.max_active_runs,
    "retries": task.retries,
    "tags": sorted(transform.tags),
    "doc": transform.doc_md or "",
}}))
"""


@pytest.fixture(scope="module")
def ingested(tiny_clean, tmp_path_factory) -> Path:
    """A warehouse holding tiny_clean's deliveries (both months, every agency, reference)."""
    base = tmp_path_factory.mktemp("transform-ingested")
    shutil.copytree(tiny_clean / "landing", base / "landing")
    ingest_landing(base / "landing", Target.parse(base / "wh.duckdb"), Options(base / "q"))
    return base / "wh.duckdb"


def warehouse_copy(ingested: Path, tmp_path: Path) -> Path:
    # Same file name: dbt-duckdb's views name their catalog after the file's stem.
    path = tmp_path / "wh" / ingested.name
    path.parent.mkdir()
    shutil.copy(ingested, path)
    return path


def test_transform_is_scheduled_on_every_raw_asset(airflow_home):
    out = subprocess.run(
        [sys.executable, "-c", DESCRIBE],
        env=airflow_env(airflow_home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    dag = json.loads(out.stdout.strip().splitlines()[-1])
    assert dag["errors"] == {}
    assert dag["schedule"] == "AssetAny"  # any one agency's new data triggers it
    assert set(dag["on"]) == RAW_URIS
    assert set(dag["ingest_emits"]) == RAW_URIS  # exactly what the ingest DAGs emit
    assert dag["pool"] == "warehouse_writer"  # serialised with the ingest loads
    assert dag["outlets"] == ["neglect-warehouse://marts/"]  # Airflow adds the trailing /
    assert dag["catchup"] is False and dag["max_active_runs"] == 1 and dag["retries"] == 2
    assert "transform" in dag["tags"] and "dbt build" in dag["doc"]


def test_transform_dag_builds_the_models_and_emits_marts(airflow_home, ingested, tmp_path):
    warehouse = warehouse_copy(ingested, tmp_path)
    result = run_dag(
        airflow_home,
        "transform_dag.py",
        "transform",
        NEGLECT_WAREHOUSE=str(warehouse),
        NEGLECT_WAREHOUSE_LANDING=str(tmp_path / "landing"),
        NEGLECT_WAREHOUSE_QUARANTINE=str(tmp_path / "quarantine"),
    )
    assert result["state"].endswith("success"), result
    assert result["tasks"] == {"build_models": "success", "copy_marts_for_analysts": "success"}
    mine = [e for e in result["events"] if e["run_id"] == result["run_id"]]
    assert [e["uri"] for e in mine] == ["neglect-warehouse://marts/"]
    extra = mine[0]["extra"]
    assert {a: extra["extract_dates"][a] for a in ("csc", "police", "health", "probation")} == {
        a: "2026-10-31" for a in ("csc", "police", "health", "probation")
    }
    assert set(extra["deliveries"]) == {"csc", "police", "health", "probation", "reference"}
    assert extra["select"] == "all" and "error" not in extra["nodes"]
    with Warehouse(Target.parse(warehouse)) as wh:
        linked = wh.query("select count(*) from intermediate.int_children_linked")[0][0]
        staged = wh.query("select count(*) from staging.stg_police__incidents")[0][0]
        summary = wh.query("select count(*) from marts.mart_linkage_summary")[0][0]
    assert linked > 0 and staged > 0 and summary == 4
    # the analysts' copy, refreshed after the build: the marts and nothing else
    with analyst_copy.connect(warehouse.with_name("analyst.duckdb")) as copy:
        schemas = copy.execute("select distinct schema_name from duckdb_tables()").fetchall()
        assert schemas == [("marts",)]
        assert copy.execute("select count(*) from marts.mart_linkage_summary").fetchone() == (4,)
    assert not (PROJECT / "target").exists()  # dbt artefacts go to the warehouse's folder
    state = state_directory(Target.parse(warehouse))
    assert state == Path(f"{warehouse.resolve()}.dbt") and (state / "target").is_dir()
    # the unit tests passed on this code: the next build (another process; dbt parses only
    # what changed) runs the models and data tests, not the unit tests again
    assert (state / UNIT_TESTED).read_text() == code_fingerprint()
    again = build(Target.parse(warehouse))
    ran = {n["unique_id"].split(".")[0] for n in again.nodes}
    assert "unit_test" not in ran and {"model", "test"} <= ran and "error" not in again.counts


def test_a_failing_dbt_test_names_the_node(ingested, tmp_path):
    warehouse = warehouse_copy(ingested, tmp_path)
    target = Target.parse(warehouse)
    with Warehouse(target) as wh:  # a repeated person id in csc's current delivery
        wh.execute(
            "insert into raw.csc__persons select * from raw.csc__persons where _delivery_id = "
            "(select delivery_id from raw.current_deliveries where agency = 'csc') limit 1"
        )
    # the staging model and the all-deliveries base view it reads (a fresh warehouse has
    # neither): the base view's key test catches the repeated id first, and dbt builds
    # nothing downstream of a failed test
    with pytest.raises(TransformError) as failed:
        build(target, "+stg_csc__persons", artifacts=tmp_path / "dbt")
    assert [f["unique_id"].split(".")[2] for f in failed.value.failures] == [
        "unique_combination_of_columns_base_csc__persons_delivery_id__person_id"
    ]
    assert "Got 1 result" in str(failed.value) and str(warehouse) in str(failed.value)
    assert (tmp_path / "dbt" / "target" / "run_results.json").exists()


def test_the_dbt_environment_comes_from_the_target(tmp_path):
    assert dbt_env(Target.parse(tmp_path / "wh.duckdb")) == {
        "NEGLECT_WAREHOUSE_TARGET": "duckdb",
        "NEGLECT_WAREHOUSE_DUCKDB": str((tmp_path / "wh.duckdb").resolve()),
        # the pipeline's one memory setting, and where DuckDB spills beyond it
        "NEGLECT_WAREHOUSE_MEMORY": "1.5GB",
        "NEGLECT_WAREHOUSE_SPILL": str((tmp_path / "wh.duckdb").resolve()) + ".tmp",
    }
    assert dbt_env(Target.parse("postgresql://nw%40la:p%2Fss@db.example:6543/warehouse")) == {
        "NEGLECT_WAREHOUSE_TARGET": "postgres",
        "NEGLECT_WAREHOUSE_PGHOST": "db.example",
        "NEGLECT_WAREHOUSE_PGPORT": "6543",
        "NEGLECT_WAREHOUSE_PGUSER": "nw@la",
        "NEGLECT_WAREHOUSE_PGPASSWORD": "p/ss",
        "NEGLECT_WAREHOUSE_PGDATABASE": "warehouse",
    }
    assert dbt_env(Target.parse("postgresql:///warehouse?host=/run/postgresql")) == {
        "NEGLECT_WAREHOUSE_TARGET": "postgres",
        "NEGLECT_WAREHOUSE_PGHOST": "/run/postgresql",
        "NEGLECT_WAREHOUSE_PGDATABASE": "warehouse",
    }


def test_one_agency_selection():
    assert agency_selection("csc") == "source:csc+"
    assert data_change_selection("police") == (
        "source:police+,config.materialized:table source:police+,resource_type:test",
        "test_type:unit",
    )
    assert agency_selection("reference", "csc", "csc") == "source:csc+ source:reference+"
    with pytest.raises(ValueError):
        agency_selection("fire")
