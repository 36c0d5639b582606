"""The synthetic agencies' side of ``make run``: each agency's real extract DAG
(``dags/extract_dags.py``, as an agency deploys it) run against the source systems
``generate --sources`` wrote (``sources.tsv``), delivering into the partnership's landing
folder (folder delivery: on one machine there is no network to cross; the SFTP hand-over is
tested against a real OpenSSH server in tests/dags/test_handover.py).

One DAG run per agency and extract date, with ``dag.test()`` in a child process per extract
date (each month's systems are different databases, so each has its own connections), the
logical date being the delivery day after that month's end, as the schedule would run it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

KEY_ID = "synthetic"


def delivery_run(extract_date: dt.date) -> dt.datetime:
    """When the extract DAG runs for ``extract_date``: 02:00 on the 3rd of the next month."""
    first = extract_date + dt.timedelta(days=1)
    return dt.datetime(first.year, first.month, 3, 2, 0, tzinfo=dt.UTC)


def source_connection(url: str) -> str:
    """An Airflow connection (JSON, for ``AIRFLOW_CONN_…``) to a synthetic source system, in
    the form docs/agency-deployment.md gives an agency: the driver in the extra."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    extra: dict = {"driver": u.drivername}
    fields: dict[str, str | int | None]
    if u.get_backend_name() == "duckdb":
        fields = {"host": u.database}
    else:
        fields = {"host": u.host, "port": u.port, "schema": u.database, "login": u.username,
                  "password": u.password}  # fmt: skip
        if u.query:  # a PostgreSQL schema's search_path, for one
            extra["query"] = dict(u.query)
    given = {k: v for k, v in fields.items() if v}
    return json.dumps({"conn_type": "generic", **given, "extra": extra})


def read_listing(listing: Path) -> dict[dt.date, list[tuple[str, str, str]]]:
    """``sources.tsv`` by extract date: (agency, system, SQLAlchemy URL)."""
    found: dict[dt.date, list[tuple[str, str, str]]] = {}
    for line in Path(listing).read_text().splitlines():
        agency, system, date, url = line.split("\t")
        found.setdefault(dt.date.fromisoformat(date), []).append((agency, system, url))
    return found


def run_agencies(
    listing: Path, landing: Path, outbox: Path, key: str, echo: Callable[[str], None] = print
) -> bool:
    """Run every agency's extract DAG for every month of ``listing``; True when all ran."""
    from neglect_warehouse.partnership.run_dags import migrate, run_dags

    Path(outbox).mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="neglect-agencies-airflow-"))
    ok = True
    failed: list[str] = []

    def note(result: dict) -> None:
        if not _report(result, echo):
            failed.append(result["dag_id"])

    try:
        echo(f"airflow (the agencies'): metadata database in {home} …")
        migrate(home)
        for extract_date, systems in sorted(read_listing(listing).items()):
            settings = {
                "NEGLECT_AGENCY_EXTRACTS": ",".join(f"{a}={s}" for a, s, _ in systems),
                "NEGLECT_AGENCY_OUTBOX": str(Path(outbox).resolve()),
                "NEGLECT_AGENCY_DELIVER_TO": str(Path(landing).resolve()),
                "AIRFLOW_CONN_NEGLECT_PSEUDONYMISATION_KEY": json.dumps(
                    {"conn_type": "generic", "login": KEY_ID, "password": key}
                ),
            }
            for agency, _, url in systems:
                settings[f"AIRFLOW_CONN_{agency.upper()}_SOURCE"] = source_connection(url)
            dags = [("extract_dags.py", f"extract_{a}") for a, _, _ in systems]
            results, output = run_dags(
                home,
                dags,
                settings,
                retries=False,
                logical_date=delivery_run(extract_date),
                on_start=partial(_started, echo, extract_date),
                on_result=note,
                log=Path(outbox) / f"airflow-{extract_date:%Y%m%d}.log",
            )
            ok = ok and not failed
            if len(results) < len(dags):
                ok = False
                echo("the DAG runner stopped early; the end of its log:")
                for line in output.splitlines()[-15:]:
                    echo(f"  {line}")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return ok


def _started(echo: Callable[[str], None], extract_date: dt.date, dag_id: str) -> None:
    echo(f"{dag_id} for {extract_date} …")


def _report(result: dict, echo: Callable[[str], None]) -> bool:
    state = result["state"].rsplit(".", 1)[-1].lower()
    echo(f"  {result['dag_id']}: {state} in {result['seconds']:.1f} s")
    extracted = result["xcom"].get("extract_delivery")
    if extracted:
        echo(f"    extracted {extracted['rows']:,} rows in {extracted['seconds']} s")
    sent = result["xcom"].get("send_delivery")
    if sent:
        echo(f"    {sent['summary']}")
    for task_id, error in result.get("errors", {}).items():
        echo(f"    {task_id} failed: " + error.replace("\n", "\n      "))
    return state == "success"
