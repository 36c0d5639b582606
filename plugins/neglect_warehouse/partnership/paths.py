"""Where the partnership's project files are, computed once: the repository this package lives
in (``plugins/neglect_warehouse/`` under it, Airflow's plugins folder) holds the DAGs, the dbt
project and the Great Expectations suites beside the package."""

from __future__ import annotations

from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[3]
DAGS = REPOSITORY / "dags"
DBT_PROJECT = REPOSITORY / "dbt_project"
EXPECTATIONS = REPOSITORY / "expectations"
