"""A throw-away Airflow home (SQLite metadata database) for running the DAGs for real, with the
same code as `neglect-warehouse run` (neglect_warehouse.partnership.run_dags)."""

from __future__ import annotations

from pathlib import Path

import pytest

from neglect_warehouse.partnership.run_dags import DAGS, ONE_PASS, airflow_env, migrate, run_dags

__all__ = ["DAGS", "airflow_env", "airflow_home", "run_dag"]


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("airflow-home")
    migrate(home)
    return home


def run_dag(home: Path, dag_file: str, dag_id: str, **settings: str) -> dict:
    """One run of ``dag_id`` with ``dag.test()`` in a subprocess: its ``state``, ``run_id``,
    ``tasks`` (task id → state), ``xcom``, ``errors`` and every asset event (``events``)."""
    results, output = run_dags(home, [(dag_file, dag_id)], {**ONE_PASS, **settings}, timeout=600)
    assert results, output[-6000:]
    return results[0]
