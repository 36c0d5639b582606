"""
### Ingest agency deliveries

One DAG per agency (`ingest_csc`, `ingest_police`, `ingest_health`, `ingest_probation`),
running continuously: each run starts with `wait_for_delivery`, a deferrable sensor (it holds
no worker slot while it waits) that watches `$NEGLECT_WAREHOUSE_LANDING/<agency>/` until a
new delivery has arrived whole (its manifest and every file it lists, matching it), then
takes that delivery through the checks of the data contract and the Great Expectations
suites into the warehouse's raw layer, in one transaction per delivery. A delivery still
incomplete after the grace period (`NEGLECT_WAREHOUSE_ARRIVAL_GRACE`, 24 h) is recorded
INCOMPLETE and reported; one that is still arriving is never seen by the ingest. When nothing
arrives within `NEGLECT_WAREHOUSE_ARRIVAL_WAIT` (6 h) the run is skipped and the next one
waits again (docs/transfer.md).

Each delivery ends in one state, shown in the task log and in `raw.deliveries`
(`neglect-warehouse status`): **LOADED**, **LOADED_WITH_WARNINGS**, **QUARANTINED** (nothing
loaded; the report in `$NEGLECT_WAREHOUSE_QUARANTINE` says what to fix), **DUPLICATE** or
**INCOMPLETE** (checked again when its files arrive).

When a delivery loads, `announce_new_data` emits the agency's asset (`raw_<agency>`) with
the newest extract date, which schedules the transform; when nothing loaded it is skipped. A
quarantined or overdue delivery fails `alert_on_problems`, so the run shows red with the
reasons. Runs are idempotent: a rerun loads nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Metadata, dag, task

from neglect_warehouse.partnership.arrival_sensor import DeliveryArrivalSensor
from neglect_warehouse.partnership.assets import raw_asset
from neglect_warehouse.shared.contract import AGENCIES, REFERENCE, DeliveryState

# Priority in the warehouse_writer pool: above the transform's build (weight 2: itself and the
# task after it) and the board pack, so the reference files and any waiting deliveries load
# before a build that would otherwise run without them.
LOAD_FIRST = 10


def ingest_dag(agency: str):
    asset = raw_asset(agency)

    @dag(
        dag_id=f"ingest_{agency}",
        schedule="@continuous",
        start_date=datetime(2026, 1, 1),
        catchup=False,
        max_active_runs=1,
        default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
        tags=["ingest", agency],
        doc_md=__doc__,
    )
    def ingest():
        # Reads the warehouse briefly before it defers (a deferred task holds no pool slot).
        arrived = DeliveryArrivalSensor(
            task_id="wait_for_delivery", agency=agency, pool="warehouse_writer"
        )

        # Loads go before builds in the writer pool (LOAD_FIRST), so a build sees every
        # delivery waiting with it.
        @task(pool="warehouse_writer", priority_weight=LOAD_FIRST)
        def load_new_deliveries(arrived: dict) -> list[dict]:
            """Check, validate and load the deliveries that arrived (record overdue ones)."""
            from neglect_warehouse.partnership.ingest.tasks import ingest_agency

            summaries = ingest_agency(agency, arrived)
            for s in summaries:
                print(s["summary"])
            return summaries

        @task(outlets=[asset])
        def announce_new_data(summaries: list[dict]):
            """Emit the agency's asset (with the newest extract date) when data was loaded."""
            from airflow.sdk.exceptions import AirflowSkipException

            from neglect_warehouse.partnership.ingest.tasks import loaded

            done = loaded(summaries)
            if not done:
                raise AirflowSkipException("no delivery loaded")
            yield Metadata(
                asset,
                {
                    "extract_date": max(s["extract_date"] for s in done),
                    "deliveries": [s["delivery_id"] for s in done],
                },
            )

        @task
        def alert_on_problems(summaries: list[dict], arrived: dict):
            """Fail loudly, with the reasons, when a delivery was quarantined or is overdue."""
            from airflow.sdk.exceptions import AirflowFailException

            from neglect_warehouse.partnership.ingest.tasks import problems

            found = problems(summaries, arrived)
            if found:
                raise AirflowFailException("\n".join(found))

        summaries = load_new_deliveries(arrived.output)
        announce_new_data(summaries)
        alert_on_problems(summaries, arrived.output)

    return ingest()


@dag(
    dag_id="ingest_reference",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    tags=["ingest", "reference"],
    doc_md="""
### Ingest the partnership's reference files

Loads `$NEGLECT_WAREHOUSE_LANDING/reference/localities.csv` and `population.csv` whole when
they change (same checks as a delivery); a bad pair is quarantined and the previous one stays
in use. Emits asset `raw_reference` when new reference data is loaded.
""",
)
def ingest_reference():
    asset = raw_asset(REFERENCE)

    @task(pool="warehouse_writer", outlets=[asset], priority_weight=LOAD_FIRST)
    def load_reference_files():
        from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

        from neglect_warehouse.partnership.ingest.tasks import ingest_reference_files

        summary = ingest_reference_files()
        if summary is None:
            raise AirflowSkipException("reference files unchanged")
        print(summary["summary"])
        if summary["state"] != DeliveryState.LOADED:
            raise AirflowFailException(summary["summary"])

    load_reference_files()


ingest_reference()

for _agency in AGENCIES:
    globals()[f"ingest_{_agency}"] = ingest_dag(_agency)
