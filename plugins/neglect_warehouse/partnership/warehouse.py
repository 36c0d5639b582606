"""The warehouse the pipeline writes to: an embedded DuckDB file (the default) or a shared
PostgreSQL database, chosen by one setting (``--warehouse`` or ``$NEGLECT_WAREHOUSE``).

This module owns the raw layer's tables (one per agency entity, as delivered plus load
metadata) and the load-metadata tables, created from the data contract, and the one
operation that changes them: committing a delivery in a single transaction.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from neglect_warehouse.shared import contract

ENV = "NEGLECT_WAREHOUSE"
DEFAULT = "data/warehouse.duckdb"
LOCK_WAIT_ENV = "NEGLECT_WAREHOUSE_LOCK_WAIT"  # seconds to wait for a busy DuckDB file
# One memory setting for every DuckDB the pipeline opens (ingest, dbt, the board pack): its
# memory_limit; beyond it DuckDB spills to SPILL_ENV (default: `<warehouse>.tmp` beside a
# DuckDB file, which is DuckDB's own default, else a folder in the system's temp directory).
MEMORY_ENV = "NEGLECT_WAREHOUSE_MEMORY"
DEFAULT_MEMORY = "1.5GB"
SPILL_ENV = "NEGLECT_WAREHOUSE_SPILL"


class WarehouseBusy(RuntimeError):
    """Another process holds the embedded warehouse (DuckDB lets one process write a file)."""


METADATA_DDL = [
    """create table if not exists raw.deliveries (
        delivery_id varchar primary key,
        agency varchar not null,
        extract_date date not null,
        manifest_name varchar not null,
        manifest_sha256 varchar not null,
        key_id varchar,
        spec_version varchar,
        arrived_at timestamp not null,
        processed_at timestamp not null,
        state varchar not null,
        reasons varchar,
        rows_in bigint,
        rows_loaded bigint,
        rows_rejected bigint
    )""",
    """create table if not exists raw.delivery_files (
        delivery_id varchar not null,
        entity varchar not null,
        file_name varchar not null,
        sha256 varchar not null,
        rows_in bigint not null,
        rows_loaded bigint not null,
        rows_rejected bigint not null,
        primary key (delivery_id, entity)
    )""",
    """create table if not exists raw.delivery_events (
        delivery_id varchar not null,
        agency varchar not null,
        extract_date date not null,
        arrived_at timestamp not null,
        event_at timestamp not null,
        state varchar not null,
        note varchar
    )""",
    """create table if not exists raw.rejected_rows (
        delivery_id varchar not null,
        entity varchar not null,
        line bigint,
        column_name varchar,
        rule varchar not null,
        message varchar not null
    )""",
    """create table if not exists raw.rule_breaches (
        delivery_id varchar not null,
        entity varchar not null,
        record_id varchar,
        line bigint,
        rule varchar not null,
        message varchar not null
    )""",
    """create table if not exists raw.validation_results (
        delivery_id varchar not null,
        entity varchar not null,
        expectation varchar not null,
        column_name varchar,
        success boolean not null,
        element_count bigint,
        unexpected_count bigint,
        details varchar
    )""",
]

CURRENT_VIEW = f"""create or replace view raw.current_deliveries as
    select delivery_id, agency, extract_date, arrived_at, state
    from (
        select d.*, row_number() over (
            partition by agency order by extract_date desc, arrived_at desc, processed_at desc
        ) as newest
        from raw.deliveries as d
        where state in ({", ".join(f"'{state}'" for state in contract.LOADED_STATES)})
    ) as loaded
    where newest = 1"""


def raw_table(agency: str, entity: str) -> str:
    return f"raw.{agency}__{entity}"


def raw_ddl(entity: contract.Entity) -> str:
    columns = ",\n        ".join(f'"{c.name}" varchar' for c in entity.columns)
    return (
        f"create table if not exists {raw_table(entity.agency, entity.name)} (\n"
        f"        _delivery_id varchar not null,\n        _line bigint not null,\n"
        f"        {columns}\n    )"
    )


def all_ddl() -> list[str]:
    ddl = [*METADATA_DDL]
    for agency in (*contract.AGENCIES, contract.REFERENCE):
        ddl.extend(raw_ddl(e) for e in contract.entities(agency))
    ddl.append(CURRENT_VIEW)
    return ddl


@dataclass(frozen=True)
class Target:
    """Where the warehouse lives: ``kind`` is ``duckdb`` (``location`` a file path) or
    ``postgres`` (``location`` a libpq URL)."""

    kind: str
    location: str

    @classmethod
    def parse(cls, value: str | os.PathLike | None = None) -> Target:
        value = str(value or os.environ.get(ENV) or DEFAULT)
        if value.startswith(("postgresql://", "postgres://")):
            return cls("postgres", value)
        return cls("duckdb", str(Path(value)))

    def __str__(self) -> str:
        if self.kind == "postgres":
            return self.location.split("@")[-1]  # never print a password
        return self.location


def memory_limit() -> str:
    """DuckDB's ``memory_limit`` for every step (``$NEGLECT_WAREHOUSE_MEMORY``, default 1.5GB)."""
    return os.environ.get(MEMORY_ENV) or DEFAULT_MEMORY


def spill_directory(location: str | None = None) -> str:
    """Where DuckDB spills beyond ``memory_limit()``: ``$NEGLECT_WAREHOUSE_SPILL``, else
    ``<location>.tmp`` beside a DuckDB file, else a folder in the system's temp directory."""
    import tempfile

    if os.environ.get(SPILL_ENV):
        return os.environ[SPILL_ENV]
    if location:
        return str(Path(location).resolve()) + ".tmp"
    return str(Path(tempfile.gettempdir()) / "neglect-warehouse-spill")


def duckdb_config(location: str | None = None) -> dict:
    """The configuration every DuckDB connection of the pipeline opens with (the warehouse's,
    dbt's through ``profiles.yml``, ingest's work database): one process may hold the same
    file only with one configuration."""
    return {"memory_limit": memory_limit(), "temp_directory": spill_directory(location)}


def _connect_duckdb(location: str, wait: float | None):
    import re
    import time

    import duckdb

    if wait is None:
        wait = float(os.environ.get(LOCK_WAIT_ENV) or 0)
    deadline = time.monotonic() + wait
    while True:
        try:
            return duckdb.connect(location, config=duckdb_config(location))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() < deadline:
                time.sleep(0.5)
                continue
            holder = re.search(r"PID (\d+)", str(exc))
            by = f" (process {holder.group(1)})" if holder else ""
            waited = f" after waiting {wait:g} s" if wait else ""
            raise WarehouseBusy(
                f"the warehouse {location} is in use by another run{by}{waited}: try again "
                f"when it has finished, or wait for it (--wait SECONDS or ${LOCK_WAIT_ENV})"
            ) from None


class Warehouse:
    """A connection to the target, with ``?``-style parameters on both engines."""

    def __init__(self, target: Target, wait: float | None = None):
        """``wait``: seconds to wait while another process holds a DuckDB warehouse (default
        ``$NEGLECT_WAREHOUSE_LOCK_WAIT``, else 0); then WarehouseBusy, in one sentence."""
        self.target = target
        if target.kind == "duckdb":
            Path(target.location).parent.mkdir(parents=True, exist_ok=True)
            self.con = _connect_duckdb(target.location, wait)
        else:
            import psycopg2

            self.con = psycopg2.connect(target.location)
            self.con.autocommit = True

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.target.kind == "postgres" else sql

    def execute(self, sql: str, params: tuple | list = ()) -> None:
        if self.target.kind == "duckdb":
            self.con.execute(sql, params)
        else:
            with self.con.cursor() as cur:
                cur.execute(self._sql(sql), params or None)

    def query(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        if self.target.kind == "duckdb":
            return self.con.execute(sql, params).fetchall()
        with self.con.cursor() as cur:
            cur.execute(self._sql(sql), params or None)
            return cur.fetchall()

    def query_with_names(self, sql: str, params: tuple | list = ()):
        """``(column names, rows)`` of a query."""
        if self.target.kind == "duckdb":
            cursor = self.con.execute(sql, params)
            return [d[0] for d in cursor.description], cursor.fetchall()
        with self.con.cursor() as cur:
            cur.execute(self._sql(sql), params or None)
            return [d[0] for d in cur.description], cur.fetchall()

    def tables(self, schema: str) -> list[str]:
        """The tables and views in ``schema``, by name (none when it does not exist)."""
        rows = self.query(
            "select table_name from information_schema.tables where table_schema = ? order by 1",
            (schema,),
        )
        return [name for (name,) in rows]

    def ensure_schema(self) -> None:
        # Only when missing: on a shared PostgreSQL warehouse `neglect-warehouse db init`
        # made the schema, and the pipeline may not create schemas (even "if not exists").
        if not self.query("select 1 from information_schema.schemata where schema_name = 'raw'"):
            self.execute("create schema raw")
        for statement in all_ddl():
            self.execute(statement)
