"""The ingest DAGs run for real (``dag.test()``) on a tiny partnership, and every DAG file
parses fast without heavy imports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from neglect_warehouse.partnership.warehouse import Target, Warehouse
from tests.dags.conftest import DAGS, airflow_env, run_dag
from tests.postgres import fresh_database

EVERY_EXTRACT = "csc=ssd,police=rms,health=nhs_datasets,probation=case_management"
IMPORT_PROBE = """
import importlib.util, json, sys, time
import airflow.sdk  # Airflow itself is loaded once per parsing process; time the DAG file alone
before = set(sys.modules)
start = time.perf_counter()
spec = importlib.util.spec_from_file_location("probe", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
seconds = time.perf_counter() - start
heavy = sorted(m for m in set(sys.modules) - before
               if m.split(".")[0] in ("pandas", "duckdb", "great_expectations", "dbt", "numpy"))
print(json.dumps({"seconds": seconds, "heavy": heavy}))
"""


def test_every_dag_file_imports_in_under_a_second(airflow_home):
    files = sorted(p for p in DAGS.glob("*.py"))
    assert files
    for path in files:
        out = subprocess.run(
            [sys.executable, "-c", IMPORT_PROBE, str(path)],
            env=airflow_env(airflow_home, NEGLECT_AGENCY_EXTRACTS=EVERY_EXTRACT),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr[-2000:]
        probe = json.loads(out.stdout.strip().splitlines()[-1])
        assert probe["seconds"] < 1.0, (path.name, probe)
        assert probe["heavy"] == [], (path.name, probe)


def test_dagbag_has_no_import_errors(airflow_home):
    code = (
        "from airflow.dag_processing.dagbag import DagBag; import json, sys; "
        f"b = DagBag(dag_folder={str(DAGS)!r}); "
        "print(json.dumps({'errors': {k: str(v) for k, v in b.import_errors.items()}, "
        "'dags': sorted(b.dag_ids), 'writers': {f'{d.dag_id}.{t.task_id}': "
        "[str(getattr(t.weight_rule, 'value', t.weight_rule)), t.priority_weight + "
        "sum(r.priority_weight for r in t.get_flat_relatives(upstream=False))] "
        "for d in b.dags.values() for t in d.tasks "
        "if t.pool == 'warehouse_writer'}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=airflow_env(airflow_home, NEGLECT_AGENCY_EXTRACTS=EVERY_EXTRACT),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    bag = json.loads(out.stdout.strip().splitlines()[-1])
    assert bag["errors"] == {}
    assert {
        "ingest_csc",
        "ingest_police",
        "ingest_health",
        "ingest_probation",
        "ingest_reference",
        "extract_csc",
        "extract_police",
        "extract_health",
        "extract_probation",
    } <= set(bag["dags"])
    # In the one-slot writer pool, every load goes before any build or pack task (weights
    # summed downstream, Airflow's default rule).
    assert {rule for rule, _ in bag["writers"].values()} == {"downstream"}, bag["writers"]
    writers = {task: weight for task, (_, weight) in bag["writers"].items()}
    loads = [w for k, w in writers.items() if k.startswith("ingest_")]
    others = [w for k, w in writers.items() if not k.startswith("ingest_")]
    # four agencies' arrival sensors and loads, and the reference files' load
    assert len(loads) == 9 and len(others) >= 3, writers
    assert min(loads) > max(others), writers


def test_ingest_dag_loads_deliveries_and_emits_the_asset(airflow_home, tiny_clean, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(tiny_clean / "landing", landing)
    settings = {
        "NEGLECT_WAREHOUSE": str(tmp_path / "wh.duckdb"),
        "NEGLECT_WAREHOUSE_LANDING": str(landing),
        "NEGLECT_WAREHOUSE_QUARANTINE": str(tmp_path / "quarantine"),
    }
    first = run_dag(airflow_home, "ingest_dags.py", "ingest_police", **settings)
    assert first["state"].endswith("success"), first
    assert set(first["tasks"].values()) == {"success"}, first["tasks"]
    mine = [e for e in first["events"] if e["run_id"] == first["run_id"]]
    assert [e["uri"] for e in mine] == ["neglect-warehouse://raw/police"]
    assert mine[0]["extra"]["extract_date"] == "2026-10-31"
    with Warehouse(Target.parse(tmp_path / "wh.duckdb")) as wh:
        states = wh.query("select extract_date, state from raw.deliveries order by 1")
    assert [s[1] for s in states] == ["LOADED", "LOADED"]

    again = run_dag(airflow_home, "ingest_dags.py", "ingest_police", **settings)  # nothing new
    assert again["tasks"]["announce_new_data"].endswith("skipped"), again
    assert not [e for e in again["events"] if e["run_id"] == again["run_id"]]


def test_the_warehouse_can_be_an_airflow_connection(airflow_home, tiny_clean, tmp_path):
    """With $NEGLECT_WAREHOUSE unset, the tasks use Airflow connection `neglect_warehouse`
    (here from the environment, as a secrets backend or the UI would give it)."""
    landing = tmp_path / "landing"
    shutil.copytree(tiny_clean / "landing", landing)
    with fresh_database() as url:  # initialised; the pipeline role's URL
        result = run_dag(
            airflow_home,
            "ingest_dags.py",
            "ingest_probation",
            NEGLECT_WAREHOUSE="",
            AIRFLOW_CONN_NEGLECT_WAREHOUSE=url,
            NEGLECT_WAREHOUSE_LANDING=str(landing),
            NEGLECT_WAREHOUSE_QUARANTINE=str(tmp_path / "quarantine"),
        )
        assert set(result["tasks"].values()) == {"success"}, result
        with Warehouse(Target.parse(url)) as wh:
            states = wh.query("select state from raw.deliveries where agency = 'probation'")
    assert states == [("LOADED",), ("LOADED",)]


def test_quarantined_delivery_fails_the_run_loudly(airflow_home, tiny_clean, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(tiny_clean / "landing", landing)
    for path in (landing / "probation").glob("*__20260930.*"):
        path.unlink()
    (landing / "probation" / "probation__cases__20261031.csv").write_text("")
    settings = {
        "NEGLECT_WAREHOUSE": str(tmp_path / "wh.duckdb"),
        "NEGLECT_WAREHOUSE_LANDING": str(landing),
        "NEGLECT_WAREHOUSE_QUARANTINE": str(tmp_path / "quarantine"),
    }
    result = run_dag(airflow_home, "ingest_dags.py", "ingest_probation", **settings)
    assert result["state"].endswith("failed"), result
    assert result["tasks"]["alert_on_problems"].endswith("failed")
    assert not [e for e in result["events"] if e["run_id"] == result["run_id"]]
    report = next((tmp_path / "quarantine" / "probation").glob("*/report.md")).read_text()
    assert "QUARANTINED" in report and "probation__cases__20261031.csv" in report
