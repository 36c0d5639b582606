"""Shared by the source-system tests: a hand-built source system from a SQL script, the
extract run on it, and the delivery compared with expected rows written out by hand.

Expected rows are CSV files, one per entity (``expected/<entity>.csv``), with the contract's
columns. A token cell is written as the message it is made from (``nhs:9434765919``,
``alt:SMITH|JOHN|2019-04-01``, ``hh:100023336956``): the check turns it into the token with
the test key, so a reader sees which identifier each token stands for."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from neglect_warehouse.agency import mapping as mappings
from neglect_warehouse.agency.extract import ExtractReport, extract
from neglect_warehouse.agency.tokens import hmac_token

FIXTURES = Path(__file__).parent / "fixtures"
TEST_KEY = b"partnership-test-key-2026"
TOKEN_PREFIXES = ("nhs:", "alt:", "hh:")


def source_from_sql(script: Path, path: Path) -> str:
    """A DuckDB source system built from ``script`` (statements ending in ';'); its URL."""
    import duckdb

    con = duckdb.connect(str(path))
    con.execute(script.read_text(encoding="utf-8"))
    con.close()
    return f"duckdb:///{path}"


def postgres_source_from_sql(script: Path, url: str, schema: str) -> str:
    """The same script run in a fresh PostgreSQL schema; the URL that reads it."""
    from urllib.parse import quote

    import psycopg2
    from sqlalchemy.engine import make_url

    u = make_url(url)
    con = psycopg2.connect(host=u.host, port=u.port, user=u.username, dbname=u.database)
    with con, con.cursor() as cur:
        cur.execute(f'drop schema if exists "{schema}" cascade; create schema "{schema}"')
        cur.execute(f'set search_path to "{schema}"')
        cur.execute(script.read_text(encoding="utf-8"))
    con.close()
    return f"{url}?options={quote('-csearch_path=' + schema)}"


def expected_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        for column, value in row.items():
            if value.startswith(TOKEN_PREFIXES):
                row[column] = hmac_token(TEST_KEY, value)
    return rows


def delivered_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def check_fixture(
    agency: str,
    system: str,
    url: str,
    expected_dir: Path,
    landing: Path,
    extract_date: dt.date,
) -> ExtractReport:
    """Extract from ``url`` and compare every entity with ``expected_dir/<entity>.csv``."""
    report = extract(url, mappings.load(agency, system), extract_date, landing, TEST_KEY, "test")
    stamp = extract_date.strftime("%Y%m%d")
    for entity in report.rows:
        got = delivered_rows(landing / agency / f"{agency}__{entity}__{stamp}.csv")
        want = expected_rows(expected_dir / f"{entity}.csv")
        assert got == want, f"{entity}: delivered rows differ from {expected_dir / entity}.csv"
    return report


POSTGRES_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
