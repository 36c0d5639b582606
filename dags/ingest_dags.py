"""
### Ingest agency deliveries

One DAG per agency (`ingest_csc`, `ingest_police`, `ingest_health`, `ingest_probation`).
Every 15 minutes it looks in `$NEGLECT_WAREHOUSE_LANDING/<agency>/` for deliveries it has
not processed (a delivery is picked up when its manifest arrives) and takes each through
the checks of the data contract and the Great Expectations suites into the warehouse's raw
layer, in one transaction per delivery.

Each delivery ends in one state, shown in the task log and in `raw.deliveries`
(`neglect-warehouse status`): **LOADED**, **LOADED_WITH_WARNINGS**, **QUARANTINED** (nothing
loaded; the report in `$NEGLECT_WAREHOUSE_QUARANTINE` says what to fix), **DUPLICATE** or
**INCOMPLETE** (checked again on the next run).

When a delivery loads, `announce_new_data` emits the agency's asset (`raw_<agency>`) with
the newest extract date, which schedules the transform; when nothing loaded it is skipped. A
quarantined delivery fails `alert_on_quarantine`, so the run shows red with the reasons. Runs
are idempotent: a rerun loads nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Metadata, dag, task

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
        schedule="*/15 * * * *",
        start_date=datetime(2026, 1, 1),
        catchup=False,
        max_active_runs=1,
        default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
        tags=["ingest", agency],
        doc_md=__doc__,
    )
    def ingest():
        # Loads go before builds in the writer pool (LOAD_FIRST), so a build sees every
        # delivery waiting with it.
        @task(pool="warehouse_writer", priority_weight=LOAD_FIRST)
        def load_new_deliveries() -> list[dict]:
            """Check, validate and load every new delivery of this agency."""
            from neglect_warehouse.partnership.ingest.tasks import ingest_agency

            summaries = ingest_agency(agency)
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
        def alert_on_quarantine(summaries: list[dict]):
            """Fail loudly, with the reasons, when a delivery was quarantined."""
            from airflow.sdk.exceptions import AirflowFailException

            from neglect_warehouse.partnership.ingest.tasks import quarantined

            bad = quarantined(summaries)
            if bad:
                raise AirflowFailException("quarantined: " + "\n".join(s["summary"] for s in bad))

        summaries = load_new_deliveries()
        announce_new_data(summaries)
        alert_on_quarantine(summaries)

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
