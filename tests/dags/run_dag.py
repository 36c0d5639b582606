"""Run one DAG for real with ``dag.test()`` and print what happened as JSON (the tests run
this in a subprocess, with AIRFLOW_HOME and the warehouse settings in its environment)."""

import importlib.util
import json
import sys

path, dag_id = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location("dag_module", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
dag = getattr(module, dag_id)
run = dag.test()

from airflow.models.asset import AssetEvent, AssetModel  # noqa: E402
from airflow.utils.session import create_session  # noqa: E402

with create_session() as session:
    events = [
        {"uri": uri, "extra": extra, "run_id": run_id}
        for uri, extra, run_id in session.query(
            AssetModel.uri, AssetEvent.extra, AssetEvent.source_run_id
        ).join(AssetEvent, AssetEvent.asset_id == AssetModel.id)
    ]
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances(session=session)}
print(
    "RESULT "
    + json.dumps({"state": str(run.state), "run_id": run.run_id, "tasks": states, "events": events})
)
