"""The board_pack DAG: scheduled monthly and on the marts asset, and a real run with
dag.test() that publishes the pack, the agency reports and the Data Docs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from neglect_warehouse.partnership.ingest.folder import ingest_landing
from neglect_warehouse.partnership.ingest.pipeline import Options
from neglect_warehouse.partnership.transform.dbt_build import build
from neglect_warehouse.partnership.warehouse import Target
from tests.dags.conftest import DAGS, airflow_env, run_dag

DESCRIBE = f"""
import json
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder={str(DAGS)!r})
pack = bag.dags["board_pack"]
transform_emits = sorted(o.uri for t in bag.dags["transform"].tasks for o in t.outlets)
timetable = pack.timetable
print(json.dumps({{
    "errors": {{k: str(v) for k, v in bag.import_errors.items()}},
    "timetable": type(timetable).__name__,
    "cron": timetable.timetable.expression,
    "on": sorted(a.uri for a in getattr(timetable.asset_condition, "objects",
                                        [timetable.asset_condition])),
    "transform_emits": transform_emits,
    "tasks": sorted(pack.task_ids),
    "pools": sorted({{t.pool for t in pack.tasks}}),
    "catchup": pack.catchup,
    "doc": pack.doc_md or "",
}}))
"""


def test_board_pack_is_monthly_and_on_the_marts_asset(airflow_home):
    out = subprocess.run(
        [sys.executable, "-c", DESCRIBE],
        env=airflow_env(airflow_home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    d = json.loads(out.stdout.strip().splitlines()[-1])
    assert d["errors"] == {}
    assert d["timetable"] == "AssetOrTimeSchedule"
    assert d["cron"] == "0 7 10 * *"
    assert d["on"] == d["transform_emits"]  # exactly what the transform emits
    assert d["tasks"] == ["agency_reports", "data_docs", "make_pack"]
    assert d["pools"] == ["warehouse_writer"]
    assert d["catchup"] is False
    assert "audit" in d["doc"]


def run_board_pack(airflow_home, warehouse, outbox) -> dict:
    return run_dag(
        airflow_home,
        "pack_dag.py",
        "board_pack",
        NEGLECT_WAREHOUSE=str(warehouse),
        NEGLECT_WAREHOUSE_OUTBOX=str(outbox),
    )


def test_board_pack_run_publishes(airflow_home, tiny_clean, tmp_path):
    shutil.copytree(tiny_clean / "landing", tmp_path / "landing")
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    target = Target.parse(warehouse)
    ingest_landing(tmp_path / "landing", target, Options(tmp_path / "q"))
    build(target, exclude="test_type:unit")
    outbox = tmp_path / "outbox"
    result = run_board_pack(airflow_home, warehouse, outbox)
    assert result["state"] == "success", result
    assert set(result["tasks"].values()) == {"success"}
    folders = [p for p in outbox.iterdir() if p.name[:1].isdigit()]
    assert len(folders) == 1
    assert len(list(folders[0].glob("*.pdf"))) == 1
    assert any(e["uri"].rstrip("/") == "neglect-warehouse://board-pack" for e in result["events"])
    assert len(list((outbox / "agencies").glob("*.html"))) == 4
    assert (outbox / "data-docs" / "index.html").exists()


def test_board_pack_before_the_first_build_publishes_nothing_and_does_not_fail(
    airflow_home, tiny_clean, tmp_path
):
    """Unpaused on a new deployment, the 10th may come before the first build."""
    shutil.copytree(tiny_clean / "landing", tmp_path / "landing")
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    ingest_landing(tmp_path / "landing", Target.parse(warehouse), Options(tmp_path / "q"))
    outbox = tmp_path / "outbox"
    result = run_board_pack(airflow_home, warehouse, outbox)
    assert result["state"] == "success", result
    assert result["tasks"]["make_pack"] == "skipped", result["tasks"]
    assert result["tasks"]["agency_reports"] == "skipped", result["tasks"]
    assert not [p for p in outbox.glob("*") if p.name[:1].isdigit()]
