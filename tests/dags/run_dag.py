"""Run one DAG for real with ``dag.test()`` and print what happened as JSON, by hand:
``python tests/dags/run_dag.py dags/ingest.py ingest_csc`` (with AIRFLOW_HOME and the warehouse
settings in the environment). The code is ``neglect_warehouse.run``, which the tests and
``neglect-warehouse run`` use."""

import sys

from neglect_warehouse.run import child

child([f"{sys.argv[1]}:{sys.argv[2]}"])
