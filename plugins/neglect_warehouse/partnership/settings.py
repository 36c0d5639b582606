"""Where things are, for the DAGs and the CLI alike: read from the environment so that one
deployment setting (or an Airflow worker's environment) points everything at the same place.

| variable | default | what |
|---|---|---|
| NEGLECT_WAREHOUSE | data/warehouse.duckdb | the warehouse: a DuckDB file or a postgresql:// URL |
| (Airflow connection) | neglect_warehouse | the warehouse for DAG tasks if the above is unset |
| NEGLECT_WAREHOUSE_LANDING | data/landing | where agencies deliver |
| NEGLECT_WAREHOUSE_QUARANTINE | data/quarantine | reports and quarantined deliveries |
| NEGLECT_WAREHOUSE_OUTBOX | data/outbox | published board packs, one folder per month |
| NEGLECT_WAREHOUSE_ANALYST_COPY | analyst.duckdb beside it | analysts' marts-only copy |
| NEGLECT_WAREHOUSE_PACK_RECIPIENTS | (none) | comma-separated addresses the pack is emailed to |
| NEGLECT_WAREHOUSE_ARRIVAL_WAIT | 21600 (6 h) | seconds an ingest run waits for a delivery |
| NEGLECT_WAREHOUSE_ARRIVAL_GRACE | 86400 (24 h) | seconds a delivery may stay incomplete |
| NEGLECT_WAREHOUSE_ARRIVAL_POLL | 60 | seconds between two looks at the landing folder |
"""

from __future__ import annotations

import os
from pathlib import Path

AIRFLOW_CONNECTION = "neglect_warehouse"


def warehouse():
    """The warehouse a DAG task uses: ``$NEGLECT_WAREHOUSE``; else the Airflow connection
    ``neglect_warehouse`` (a Postgres connection, e.g. ``AIRFLOW_CONN_NEGLECT_WAREHOUSE`` or
    one made in the UI or a secrets backend); else the embedded default. Call it inside a
    task: it asks Airflow for the connection."""
    from neglect_warehouse.partnership.warehouse import ENV, Target

    if os.environ.get(ENV):
        return Target.parse()
    try:
        from airflow.sdk import Connection
        from airflow.sdk.exceptions import AirflowNotFoundException
    except ImportError:  # not under Airflow
        return Target.parse()
    try:
        connection = Connection.get(AIRFLOW_CONNECTION)
    except AirflowNotFoundException:
        return Target.parse()
    return Target.parse(connection.get_uri())


def landing() -> Path:
    return Path(os.environ.get("NEGLECT_WAREHOUSE_LANDING", "data/landing"))


def quarantine() -> Path:
    return Path(os.environ.get("NEGLECT_WAREHOUSE_QUARANTINE", "data/quarantine"))


def outbox() -> Path:
    return Path(os.environ.get("NEGLECT_WAREHOUSE_OUTBOX", "data/outbox"))


def arrival_timing() -> tuple[float, float, float]:
    """The arrival sensor's (wait, grace, poll) in seconds (docs/transfer.md)."""
    return (
        float(os.environ.get("NEGLECT_WAREHOUSE_ARRIVAL_WAIT") or 6 * 3600),
        float(os.environ.get("NEGLECT_WAREHOUSE_ARRIVAL_GRACE") or 24 * 3600),
        float(os.environ.get("NEGLECT_WAREHOUSE_ARRIVAL_POLL") or 60),
    )
