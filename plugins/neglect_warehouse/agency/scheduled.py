"""What an agency's extract DAG does (``dags/extract_dags.py`` stays thin; the agency's page is
docs/agency-deployment.md): once a month, extract the agency's delivery from its own system
into a local outbox, pseudonymised at source, then hand it over to the partnership.

One DAG file serves every agency: a deployment says what it extracts in its environment.

| variable | default | what |
|---|---|---|
| NEGLECT_AGENCY_EXTRACTS | (none: no DAG) | ``<agency>=<system or mapping file>``, … |
| NEGLECT_AGENCY_OUTBOX | data/agency-outbox | where deliveries wait before they are sent |
| NEGLECT_AGENCY_DELIVER_TO | sftp://partnership_sftp/ | ``sftp://<connection>/<dir>`` or a folder |
| NEGLECT_AGENCY_START | 2026-11-01 | the first month the DAG runs in (catch-up goes back to it) |

Airflow connections (the UI, ``AIRFLOW_CONN_…`` variables or a secrets backend):

- ``<agency>_source``: the source system: host, port, schema (the database), login and
  password, and in the extra the SQLAlchemy driver (``{"driver": "mssql+pymssql"}``; a
  ``postgres`` or ``mssql`` connection type implies one) and any URL query parameters
  (``"query": {"driver": "ODBC Driver 18 for SQL Server"}``). A DuckDB file is its host.
- ``neglect_pseudonymisation_key``: the partnership key as its password, the key's name as its
  login. Never an Airflow variable (variables are shown in plain text), never logged.
- the SFTP connection ``NEGLECT_AGENCY_DELIVER_TO`` names (docs/transfer.md).

Imports stay light at module level: the DAG file imports this module when it is parsed.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from neglect_warehouse.shared import contract

# The delivery day: at 02:00 on the 3rd of each month, the extract as at the last day of the
# month before (docs/decisions.md, "Delivery day").
SCHEDULE = "0 2 3 * *"
KEY_CONNECTION = "neglect_pseudonymisation_key"
DEFAULT_DESTINATION = "sftp://partnership_sftp/"
DEFAULT_START = "2026-11-01"
DRIVERS = {
    "postgres": "postgresql+psycopg2",
    "postgresql": "postgresql+psycopg2",
    "mssql": "mssql+pymssql",
}


class SettingError(ValueError):
    """A deployment setting that cannot be used; the message says which and how to fix it."""


@dataclass(frozen=True)
class ExtractSetting:
    agency: str
    source: str  # a system's name (``neglect-warehouse sources``) or a mapping file's path

    @property
    def source_connection(self) -> str:
        return f"{self.agency}_source"


def configured(environ: dict[str, str] | None = None) -> list[ExtractSetting]:
    """The extracts this deployment runs (``NEGLECT_AGENCY_EXTRACTS``)."""
    value = (environ if environ is not None else os.environ).get("NEGLECT_AGENCY_EXTRACTS", "")
    found = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        agency, sep, source = (x.strip() for x in item.partition("="))
        if not sep or not source:
            raise SettingError(
                f"NEGLECT_AGENCY_EXTRACTS: {item!r} is not <agency>=<system or mapping file>"
            )
        if agency not in contract.AGENCIES:
            raise SettingError(
                f"NEGLECT_AGENCY_EXTRACTS: {agency!r} is not an agency of the contract "
                f"({', '.join(contract.AGENCIES)})"
            )
        found.append(ExtractSetting(agency, source))
    return found


def start_date() -> dt.datetime:
    value = os.environ.get("NEGLECT_AGENCY_START") or DEFAULT_START
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise SettingError(f"NEGLECT_AGENCY_START: {value!r} is not a date (2026-11-01)") from exc


def outbox() -> Path:
    return Path(os.environ.get("NEGLECT_AGENCY_OUTBOX") or "data/agency-outbox")


def destination() -> str:
    return os.environ.get("NEGLECT_AGENCY_DELIVER_TO") or DEFAULT_DESTINATION


def extract_date_for(run_date: dt.date) -> dt.date:
    """The extract date of the run on ``run_date``: the last day of the month before."""
    return run_date.replace(day=1) - dt.timedelta(days=1)


def source_url(conn) -> str:
    """The SQLAlchemy URL of an Airflow connection to a source system: the driver from the
    extra ``driver`` (else from a ``postgres``, ``mssql`` or ``duckdb`` connection type), the
    rest from the connection's fields, URL query parameters from the extra ``query``."""
    from sqlalchemy.engine import URL

    extra = conn.extra_dejson or {}
    kind = (conn.conn_type or "").lower()
    driver = extra.get("driver") or DRIVERS.get(kind) or ("duckdb" if kind == "duckdb" else None)
    if not driver:
        raise SettingError(
            f"connection {conn.conn_id}: say which database it is in its extra, e.g. "
            '{"driver": "mssql+pymssql"} (any SQLAlchemy dialect+driver: '
            "postgresql+psycopg2, mssql+pyodbc, duckdb, …)"
        )
    if driver.split("+")[0] == "duckdb":
        if not conn.host:
            raise SettingError(f"connection {conn.conn_id}: a DuckDB source names its file as host")
        return f"duckdb:///{conn.host}"
    url = URL.create(
        driver,
        username=conn.login or None,
        password=conn.password or None,
        host=conn.host or None,
        port=conn.port or None,
        database=conn.schema or None,
        query=extra.get("query") or {},
    )
    return url.render_as_string(hide_password=False)


def partnership_key() -> tuple[bytes, str]:
    """The key and its name from the connection ``neglect_pseudonymisation_key``."""
    from airflow.sdk import Connection
    from airflow.sdk.log import mask_secret

    from neglect_warehouse.agency.pseudonymise import MIN_KEY_BYTES

    conn = Connection.get(KEY_CONNECTION)
    key = (conn.password or "").strip()
    if key:
        mask_secret(key)
    if len(key.encode()) < MIN_KEY_BYTES:
        raise SettingError(
            f"the connection {KEY_CONNECTION} must hold the partnership key (at least "
            f"{MIN_KEY_BYTES} bytes) as its password"
        )
    if not conn.login:
        raise SettingError(f"the connection {KEY_CONNECTION} must name the key as its login")
    return key.encode(), conn.login


def run_extract(setting: ExtractSetting, run_date: dt.date) -> dict:
    """Extract the delivery of the month before ``run_date`` into the outbox. Raises
    ``ExtractError`` (the report is written) when no conforming delivery could be made."""
    from airflow.sdk import Connection
    from airflow.sdk.log import mask_secret

    from neglect_warehouse.agency import mapping as mappings
    from neglect_warehouse.agency.extract import ExtractError, extract, write_report

    extract_date = extract_date_for(run_date)
    if setting.source.endswith((".yml", ".yaml")):
        m = mappings.load_file(Path(setting.source))
    else:
        m = mappings.load(setting.agency, setting.source)
    if m.agency != setting.agency:
        raise SettingError(f"{m.path} is a mapping for {m.agency}, not {setting.agency}")
    url = source_url(Connection.get(setting.source_connection))
    mask_secret(url)
    key, key_id = partnership_key()
    report_path = outbox() / "reports" / f"{setting.agency}__{m.system}__{extract_date:%Y%m%d}.json"
    try:
        report = extract(url, m, extract_date, outbox(), key, key_id)
    except ExtractError as exc:
        write_report(exc.report, report_path)
        raise
    write_report(report, report_path)
    return {
        "agency": setting.agency,
        "extract_date": extract_date.isoformat(),
        "manifest": str(report.manifest),
        "rows": sum(report.rows.values()),
        "seconds": round(report.seconds, 1),
        "report": str(report_path),
    }


def run_transfer(manifest: str) -> dict:
    """Hand the delivery of ``manifest`` over to the destination (docs/transfer.md)."""
    from neglect_warehouse.agency.transfer import remote_for, send

    remote, folder = remote_for(destination())
    try:
        report = send(Path(manifest), remote, folder)
    finally:
        remote.close()
    return {"summary": report.summary(), "sent": report.sent, "skipped": report.skipped}
