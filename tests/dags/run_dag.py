"""Run one DAG for real with ``dag.test()`` and print what happened as JSON, by hand:
``python tests/dags/run_dag.py dags/ingest_dags.py ingest_csc`` (with AIRFLOW_HOME and the
warehouse settings in the environment). The code is ``neglect_warehouse.partnership.run_dags``,
which the tests and ``neglect-warehouse run`` use."""

import sys

from neglect_warehouse.partnership.run_dags import child

child([f"{sys.argv[1]}:{sys.argv[2]}"])
