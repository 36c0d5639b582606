"""
### Board pack: the monthly neglect indicator pack, written, audited, then published

Runs at 07:00 on the 10th of every month for the latest month with indicator values, and
whenever the `marts` asset is updated (the transform rebuilt the models) — then only when the
latest month has no published pack yet, so a new month's data publishes promptly and a
re-load of the same month does not re-send the pack.

`make_pack` writes the workbook, the report (HTML and PDF), the long CSV and the manifest into
a staging folder of `$NEGLECT_WAREHOUSE_OUTBOX`, audits them (the dbt tests on the marts,
disclosure control on the files themselves, every indicator present, nothing identifying, no
hidden sheet, formula or link), and only then moves them to `<outbox>/<YYYY-MM>/` and emails
them through the SMTP connection (`smtp_default`) to `$NEGLECT_WAREHOUSE_PACK_RECIPIENTS`
when set. A failed audit publishes nothing, sends nothing and fails the run with its reasons.

`agency_reports` writes each agency's data quality report for its newest delivery to
`<outbox>/agencies/`, and `data_docs` the Great Expectations Data Docs to `<outbox>/data-docs/`.

Trigger with `{"period": "YYYY-MM"}` to (re)publish a given month.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import AssetOrTimeSchedule, CronTriggerTimetable, Param, dag, task

from neglect_warehouse.partnership.assets import BOARD_PACK, MARTS


@dag(
    dag_id="board_pack",
    schedule=AssetOrTimeSchedule(
        timetable=CronTriggerTimetable("0 7 10 * *", timezone="Europe/London"), assets=MARTS
    ),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
    params={
        "period": Param(
            None, type=["null", "string"], description="YYYY-MM; empty: the latest month"
        )
    },
    tags=["pack", "board"],
    doc_md=__doc__,
)
def board_pack():
    @task(pool="warehouse_writer", outlets=[BOARD_PACK])
    def make_pack(params: dict | None = None, triggering_asset_events=None):
        """Write, audit and publish the pack; fail loudly with the audit's reasons."""
        from airflow.sdk import Metadata
        from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

        from neglect_warehouse.partnership import settings
        from neglect_warehouse.partnership.pack.content import PackError, latest_period
        from neglect_warehouse.partnership.pack.publish import AuditFailed, make_pack

        target = settings.warehouse()
        outbox = settings.outbox()
        period = (params or {}).get("period")
        if not period:
            try:
                period = latest_period(target)
            except PackError as exc:  # e.g. the 10th comes before the first build
                raise AirflowSkipException(f"nothing to publish: {exc}") from exc
        if triggering_asset_events and (outbox / period).exists():
            raise AirflowSkipException(f"the pack for {period} is already published")
        try:
            published = make_pack(target, period, outbox)
        except AuditFailed as exc:
            raise AirflowFailException(str(exc)) from exc
        print(published.summary())
        yield Metadata(
            BOARD_PACK,
            {
                "period": period,
                "folder": str(published.folder),
                "emailed_to": published.emailed_to,
            },
        )

    @task(pool="warehouse_writer")
    def agency_reports() -> list[str]:
        """Each agency's data quality report for its newest delivery (outbox/agencies/)."""
        from airflow.sdk.exceptions import AirflowSkipException

        from neglect_warehouse.partnership import settings
        from neglect_warehouse.partnership.pack.dq_report import render_all
        from neglect_warehouse.partnership.warehouse import Warehouse

        target = settings.warehouse()
        with Warehouse(target) as wh:
            if "fct_dq_deliveries" not in wh.tables("marts"):
                raise AirflowSkipException("nothing to report: the models have not been built")
        paths = render_all(target, settings.outbox() / "agencies")
        for path in paths:
            print(path)
        return [str(p) for p in paths]

    @task(pool="warehouse_writer")
    def data_docs() -> str:
        """Great Expectations Data Docs of the current deliveries (outbox/data-docs/)."""
        from neglect_warehouse.partnership import settings
        from neglect_warehouse.partnership.pack.data_docs import build_data_docs

        index = build_data_docs(settings.warehouse(), settings.outbox() / "data-docs")
        print(index)
        return str(index)

    make_pack()
    agency_reports()
    data_docs()


board_pack()
