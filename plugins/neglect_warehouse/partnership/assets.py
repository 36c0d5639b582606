"""The Airflow assets the DAGs emit and are scheduled on, defined once so that an emitter and
its consumers can never disagree on a URI. Imports only ``airflow.sdk`` (DAG parsing stays
fast)."""

from __future__ import annotations

from airflow.sdk import Asset

MARTS = Asset(name="marts", uri="neglect-warehouse://marts")
BOARD_PACK = Asset(name="board_pack", uri="neglect-warehouse://board-pack")


def raw_asset(agency: str) -> Asset:
    """What ``ingest_<agency>`` (or ``ingest_reference``) emits when it loads data."""
    return Asset(name=f"raw_{agency}", uri=f"neglect-warehouse://raw/{agency}")
