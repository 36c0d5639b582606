"""Where the partnership's project files are, computed once: the repository this package lives
in (``plugins/neglect_warehouse/`` under it, Airflow's plugins folder) holds the DAGs, the dbt
project and the Great Expectations suites beside the package; and the user's cache, where what
is made once per machine is kept (Airflow's migrated metadata database, PostgreSQL
warehouses' dbt state)."""

from __future__ import annotations

import os
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[3]
DAGS = REPOSITORY / "dags"
DBT_PROJECT = REPOSITORY / "dbt_project"
EXPECTATIONS = REPOSITORY / "expectations"


def user_cache() -> Path:
    """``$XDG_CACHE_HOME/neglect-warehouse`` (default ``~/.cache/neglect-warehouse``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "neglect-warehouse"
