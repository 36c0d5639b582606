"""Where things are, for the DAGs and the CLI alike: read from the environment so that one
deployment setting (or an Airflow worker's environment) points everything at the same place.

| variable | default | what |
|---|---|---|
| NEGLECT_WAREHOUSE | data/warehouse.duckdb | the warehouse: a DuckDB file or a postgresql:// URL |
| NEGLECT_WAREHOUSE_LANDING | data/landing | where agencies deliver |
| NEGLECT_WAREHOUSE_QUARANTINE | data/quarantine | reports and quarantined deliveries |
| NEGLECT_WAREHOUSE_OUTBOX | data/outbox | published board packs, one folder per month |
| NEGLECT_WAREHOUSE_ANALYST_COPY | analyst.duckdb beside it | analysts' marts-only copy |
| NEGLECT_WAREHOUSE_PACK_RECIPIENTS | (none) | comma-separated addresses the pack is emailed to |
"""

from __future__ import annotations

import os
from pathlib import Path


def landing() -> Path:
    return Path(os.environ.get("NEGLECT_WAREHOUSE_LANDING", "data/landing"))


def quarantine() -> Path:
    return Path(os.environ.get("NEGLECT_WAREHOUSE_QUARANTINE", "data/quarantine"))


def outbox() -> Path:
    return Path(os.environ.get("NEGLECT_WAREHOUSE_OUTBOX", "data/outbox"))
