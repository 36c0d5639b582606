"""
### Transform: rebuild the models when new data lands

Scheduled on the ingest assets: it runs whenever any of `raw_csc`, `raw_police`,
`raw_health`, `raw_probation` or `raw_reference` is updated (an ingest run loaded a delivery),
and once for every batch of updates that arrive while it is running (`max_active_runs=1`).

`build_models` runs `dbt build` on the dbt project (`dbt_project/`: seeds, staging,
intermediate, marts and every dbt test) against `$NEGLECT_WAREHOUSE` (else the Airflow
connection `neglect_warehouse`), in pool `warehouse_writer` with the ingest loads: DuckDB
allows one writer, so a build never overlaps a load. A failing model or test fails the run at
once, naming each failing node and its message (no retry: the same data gives the same
failure); a problem before dbt ran any node (the warehouse locked or unreachable) is retried.
On success it emits asset `marts` with each agency's current extract date and delivery.

On the embedded default, `copy_marts_for_analysts` then refreshes the analysts' copy of the
marts (`analyst.duckdb` beside the warehouse, or `$NEGLECT_WAREHOUSE_ANALYST_COPY`): marts only,
opened read-only with no access to files (docs/analyst-guide.md).

Trigger it by hand with `{"select": "<dbt selection>"}` to build part of the project, or
`{"select": "triggering"}` to rebuild only what the triggering agencies' data affects
(docs/transform.md).
"""

from __future__ import annotations

import operator
from datetime import datetime, timedelta
from functools import reduce

from airflow.sdk import Metadata, Param, dag, task

from neglect_warehouse.partnership.assets import MARTS, raw_asset
from neglect_warehouse.shared.contract import AGENCIES, REFERENCE


@dag(
    dag_id="transform",
    schedule=reduce(operator.or_, (raw_asset(a) for a in (REFERENCE, *AGENCIES))),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    params={
        "select": Param(
            None,
            type=["null", "string"],
            description="dbt selection; empty builds everything; 'triggering' rebuilds what "
            "the triggering agencies' new data affects",
        )
    },
    tags=["transform", "dbt"],
    doc_md=__doc__,
)
def transform():
    @task(pool="warehouse_writer", outlets=[MARTS])
    def build_models(params: dict | None = None, triggering_asset_events=None):
        """dbt build against the warehouse; emit `marts` with the current extract dates."""
        from airflow.sdk.exceptions import AirflowFailException

        from neglect_warehouse.partnership import settings
        from neglect_warehouse.partnership.transform.dbt_build import (
            TransformError,
            build,
            current_extracts,
            data_change_selection,
        )

        triggered_by = sorted(
            asset.name.removeprefix("raw_") for asset in (triggering_asset_events or {})
        )
        if triggered_by:
            print("new data from: " + ", ".join(triggered_by))
        select = (params or {}).get("select") or None
        exclude = None
        if select == "triggering":
            # only the tables and tests the new data affects (docs/transform.md)
            select, exclude = data_change_selection(*triggered_by) if triggered_by else (None, None)
        target = settings.warehouse()
        try:
            result = build(target, select, exclude=exclude)
        except TransformError as exc:
            print(exc.output)
            if exc.failures:  # a model or test failed: the same data would fail again
                raise AirflowFailException(str(exc)) from exc
            raise
        print(result.output)
        print(result.summary())
        extracts = current_extracts(target)
        yield Metadata(
            MARTS,
            {
                "extract_dates": {a: e["extract_date"] for a, e in extracts.items()},
                "deliveries": {a: e["delivery_id"] for a, e in extracts.items()},
                "select": select or "all",
                "nodes": result.counts,
            },
        )

    @task(pool="warehouse_writer")
    def copy_marts_for_analysts():
        """Refresh the analysts' marts-only, read-only DuckDB copy (embedded warehouse only)."""
        from airflow.sdk.exceptions import AirflowSkipException

        from neglect_warehouse.partnership import analyst_copy, settings

        target = settings.warehouse()
        if target.kind != "duckdb":
            raise AirflowSkipException("analysts read the PostgreSQL warehouse (role analyst)")
        path, tables = analyst_copy.write(target.location)
        print(f"analysts' copy: {path} ({tables} marts tables, read-only)")

    build_models() >> copy_marts_for_analysts()


transform()
