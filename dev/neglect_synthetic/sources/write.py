"""Writing source systems: a DuckDB file per agency and extract date
(``<folder>/<agency>__<YYYYMMDD>.duckdb``, listed with its system and URL in
``<folder>/sources.tsv`` for ``make run``) or a PostgreSQL schema (``<agency>_<YYYYMMDD>``)
in the database a ``postgresql://`` URL names. Each is the agency's system as it stood on
that extract date."""

from __future__ import annotations

import datetime as dt
import importlib
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import duckdb

SYSTEMS = {
    "csc": "csc_ssd",
    "health": "health_nhs_datasets",
    "police": "police_rms",
    "probation": "probation_case_management",
}
"""Each agency's synthetic source system: the module under neglect_synthetic.sources that
builds it. Its ``SYSTEM`` is the mapping's name (``extract --system``)."""

KEY_COLUMN = re.compile(r"(_id|identifier|identifier_extended|identifier_mother|^crn)$")
"""Columns of a synthetic system that its PostgreSQL copy indexes: record keys and the keys
records refer by, as any real system indexes them."""

PG_TYPES = {
    "VARCHAR": "text",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "SMALLINT": "smallint",
    "TINYINT": "smallint",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "BOOLEAN": "boolean",
    "DOUBLE": "double precision",
}


@dataclass(frozen=True)
class Source:
    agency: str
    system: str
    extract_date: dt.date
    url: str


def system_module(agency: str):
    return importlib.import_module(f"neglect_synthetic.sources.{SYSTEMS[agency]}")


def is_url(target: str) -> bool:
    return "://" in target


def schema_name(agency: str, extract_date: dt.date) -> str:
    return f"{agency}_{extract_date:%Y%m%d}"


def source_url(target: str, agency: str, extract_date: dt.date) -> str:
    """The SQLAlchemy URL ``extract --source`` takes for one written source system."""
    if not is_url(target):
        path = Path(target).resolve() / f"{agency}__{extract_date:%Y%m%d}.duckdb"
        return f"duckdb:///{path}"
    schema = schema_name(agency, extract_date)
    sep = "&" if "?" in target else "?"
    return f"{target}{sep}options={quote('-csearch_path=' + schema)}"


def write_sources(
    raw_dir: Path,
    deliveries: list[tuple[str, dt.date]],
    target: str,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[Source]:
    """Build every (agency, extract date) source system from the raw extracts in
    ``raw_dir`` and write it to ``target`` (a folder or a PostgreSQL URL)."""
    out = []
    for i, (agency, date) in enumerate(deliveries):
        module = system_module(agency)
        stamp = date.strftime("%Y%m%d")
        if is_url(target):
            con = duckdb.connect()
            module.build(con, Path(raw_dir) / agency, stamp)
            _copy_to_postgres(con, target, schema_name(agency, date))
            con.close()
        else:
            folder = Path(target)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{agency}__{stamp}.duckdb"
            path.unlink(missing_ok=True)
            con = duckdb.connect(str(path))
            module.build(con, Path(raw_dir) / agency, stamp)
            con.close()
        out.append(Source(agency, module.SYSTEM, date, source_url(target, agency, date)))
        if progress:
            progress("writing source systems", i + 1, len(deliveries))
    if not is_url(target):
        listing = "".join(
            f"{s.agency}\t{s.system}\t{s.extract_date.isoformat()}\t{s.url}\n" for s in out
        )
        (Path(target) / "sources.tsv").write_text(listing, encoding="utf-8")
    return out


def _pg_type(duck: str) -> str:
    if duck.startswith("DECIMAL"):
        return duck.replace("DECIMAL", "numeric")
    return PG_TYPES[duck]


def _copy_to_postgres(con, url: str, schema: str) -> None:
    """Every table of ``con`` into a fresh PostgreSQL schema, through COPY."""
    import psycopg2
    from sqlalchemy.engine import make_url

    u = make_url(url)
    pg = psycopg2.connect(
        host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database
    )
    try:
        with pg, pg.cursor() as cur:
            cur.execute(f'drop schema if exists "{schema}" cascade')
            cur.execute(f'create schema "{schema}"')
            tables = [
                r[0]
                for r in con.execute("select table_name from duckdb_tables() order by 1").fetchall()
            ]
            for table in tables:
                columns = con.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
                ddl = ", ".join(f'"{c}" {_pg_type(t)}' for c, t in columns)
                cur.execute(f'create table "{schema}"."{table}" ({ddl})')
                with tempfile.NamedTemporaryFile(suffix=".csv") as tmp:
                    con.execute(f"copy (select * from \"{table}\") to '{tmp.name}' (header false)")
                    with open(tmp.name, encoding="utf-8") as f:
                        cur.copy_expert(
                            f'copy "{schema}"."{table}" from stdin with (format csv)', f
                        )
    finally:
        pg.close()
