"""
### Extract and send an agency's monthly delivery (runs at the agency)

One DAG per extract the deployment configures (`NEGLECT_AGENCY_EXTRACTS`, e.g. `csc=ssd`):
`extract_<agency>`, at 02:00 on the 3rd of each month, for the extract date at the end of the
month before. A month that was missed (the server was down) is caught up, oldest first.

1. `extract_delivery` reads the agency's system through the Airflow connection
   `<agency>_source`, pseudonymises at source with the key held in the connection
   `neglect_pseudonymisation_key`, and writes the delivery and its report into
   `$NEGLECT_AGENCY_OUTBOX`. A source that does not fit the mapping fails at once, with the
   report naming every table, column or code to fix (no retry: a retry would fail the same way).
2. `send_delivery` hands it to the partnership (`$NEGLECT_AGENCY_DELIVER_TO`: SFTP, or a shared
   folder): files under staging names, renamed into place, the manifest last, so the
   partnership never sees half a delivery. A failed transfer is retried with growing waits and
   resumes where it stopped, sending nothing twice.

docs/agency-deployment.md says how to deploy it; docs/transfer.md what the hand-over does.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import dag, task

from neglect_warehouse.agency.scheduled import SCHEDULE, ExtractSetting, configured, start_date


def extract_dag(setting: ExtractSetting):
    @dag(
        dag_id=f"extract_{setting.agency}",
        schedule=SCHEDULE,
        start_date=start_date(),
        catchup=True,
        max_active_runs=1,
        default_args={
            "retries": 4,
            "retry_delay": timedelta(minutes=5),
            "retry_exponential_backoff": True,
            "max_retry_delay": timedelta(hours=2),
        },
        tags=["extract", setting.agency],
        doc_md=__doc__,
    )
    def extract():
        @task(retries=1)
        def extract_delivery(**context) -> dict:
            """Extract, pseudonymise and write the month's delivery into the outbox."""
            from airflow.sdk.exceptions import AirflowFailException

            from neglect_warehouse.agency.extract import ExtractError
            from neglect_warehouse.agency.scheduled import SettingError, run_extract

            when = context.get("logical_date") or context["dag_run"].run_after
            try:
                done = run_extract(setting, when.date())
            except ExtractError as exc:  # the source does not fit: retrying will not help
                raise AirflowFailException(exc.report.summary()) from exc
            except SettingError as exc:
                raise AirflowFailException(str(exc)) from exc
            print(f"extracted {done['rows']:,} rows into {done['manifest']}")
            return done

        @task
        def send_delivery(extracted: dict) -> dict:
            """Hand the delivery over to the partnership, manifest last."""
            from neglect_warehouse.agency.scheduled import run_transfer

            sent = run_transfer(extracted["manifest"])
            print(sent["summary"])
            return sent

        send_delivery(extract_delivery())

    return extract()


for _setting in configured():
    globals()[f"extract_{_setting.agency}"] = extract_dag(_setting)
