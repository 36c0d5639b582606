"""Every shipped source mapping fits the contract, is documented, and its queries are
portable: they parse as SQL Server (T-SQL), PostgreSQL and DuckDB SQL and compile for SQL
Server's dialect with both its drivers' URLs (the SSD usually lives on SQL Server)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from neglect_warehouse.agency import mapping as mappings
from neglect_warehouse.partnership.paths import REPOSITORY
from neglect_warehouse.shared import contract

SHIPPED = mappings.available()
PARAMS = {
    "extract_date": dt.date(2026, 10, 31),
    "window_start": dt.date(2020, 10, 31),
    "day_after": dt.date(2026, 11, 1),
}


def test_every_agency_has_a_source_system():
    assert {agency for agency, _ in SHIPPED} == set(contract.AGENCIES)


@pytest.mark.parametrize(("agency", "system"), SHIPPED)
def test_the_mapping_fits_the_contract(agency, system):
    m = mappings.load(agency, system)
    assert (m.agency, m.system) == (agency, system)
    assert mappings.problems(m) == []


@pytest.mark.parametrize(("agency", "system"), SHIPPED)
def test_the_mapping_has_its_documentation_page_listing_every_table_and_column(agency, system):
    m = mappings.load(agency, system)
    page = REPOSITORY / m.documentation
    assert page.is_file(), f"{m.documentation} is missing"
    text = page.read_text(encoding="utf-8")
    for table, columns in m.tables.items():
        assert table in text, f"{m.documentation} does not name the table {table}"
        for column in columns:
            assert column in text, f"{m.documentation} does not name {table}.{column}"


@pytest.mark.parametrize(("agency", "system"), SHIPPED)
def test_every_table_and_column_listed_is_read_by_a_query(agency, system):
    """The tables list is what the extract checks before reading: it must be the truth."""
    m = mappings.load(agency, system)
    queries = " ".join(e.query.lower() for e in m.entities.values())
    words = set(re.findall(r"[a-z_][a-z0-9_]*", queries))
    for table, columns in m.tables.items():
        assert table.lower() in words, f"{table} is listed but never read"
        for column in columns:
            assert column.lower() in words, f"{table}.{column} is listed but never read"


def _literal(query: str) -> str:
    return re.sub(r":(extract_date|window_start|day_after)\b", "'2026-10-31'", query)


@pytest.mark.parametrize("dialect", ["tsql", "postgres", "duckdb"])
@pytest.mark.parametrize(("agency", "system"), SHIPPED)
def test_every_query_parses_in_each_dialect(agency, system, dialect):
    import sqlfluff
    from sqlfluff.api.simple import APIParsingError

    m = mappings.load(agency, system)
    for entity in m.entities.values():
        try:
            sqlfluff.parse(_literal(entity.query), dialect=dialect)
        except APIParsingError as exc:  # pragma: no cover - the failure message
            pytest.fail(f"{system} {entity.name} does not parse as {dialect}: {exc}")


@pytest.mark.parametrize("driver", ["pymssql", "pyodbc"])
@pytest.mark.parametrize(("agency", "system"), SHIPPED)
def test_every_query_compiles_for_sql_server(agency, system, driver):
    """SQL Server's dialect (with either driver) renders every query with its parameters;
    no connection is made, and pyodbc itself need not be installed to compile."""
    import importlib

    from sqlalchemy import text

    dialect = importlib.import_module(f"sqlalchemy.dialects.mssql.{driver}").dialect()
    m = mappings.load(agency, system)
    for entity in m.entities.values():
        used = {k: v for k, v in PARAMS.items() if f":{k}" in entity.query}
        query = text(entity.query).bindparams(**used)
        rendered = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        assert "'2026-10-31'" in rendered or ":extract_date" not in entity.query
        assert not re.search(r":(extract_date|window_start|day_after)\b", rendered)


def test_the_pymssql_driver_is_installed_for_sql_server_sources():
    from sqlalchemy import create_engine

    engine = create_engine("mssql+pymssql://reader:secret@server/ssd")
    assert engine.dialect.name == "mssql"


# What T-SQL lacks (or the parse test cannot see): each is a PostgreSQL or DuckDB habit.
NOT_PORTABLE = {
    r"::": "a :: cast (use cast(x as type))",
    r"\|\|": "|| concatenation",
    r"\blimit\b": "LIMIT",
    r"\bilike\b": "ILIKE",
    r"\b(true|false)\b": "a boolean literal",
    r"\bfilter\s*\(": "an aggregate FILTER clause",
    r"\b(strftime|strptime|to_char|date_trunc|dateadd|datediff|getdate|now|current_date)\b": (
        "a dialect's date function (use the bind parameters)"
    ),
    r"\btop\s+\d": "TOP",
    r"\bnulls\s+(first|last)\b": "NULLS FIRST/LAST",
}


@pytest.mark.parametrize(("agency", "system"), SHIPPED)
def test_no_query_uses_what_one_of_the_three_databases_lacks(agency, system):
    m = mappings.load(agency, system)
    for entity in m.entities.values():
        query = re.sub(r"--[^\n]*", "", entity.query.lower())
        query = re.sub(r"'[^']*'", "''", query)
        for pattern, what in NOT_PORTABLE.items():
            assert not re.search(pattern, query), f"{system} {entity.name} uses {what}"


def test_sql_server_gets_dates_every_login_reads_alike():
    """'YYYY-MM-DD' against a DATETIME column is read by the login's language on SQL Server
    (year-day-month for a British login); 'YYYYMMDD' never is."""
    from neglect_warehouse.agency.extract import query_parameters

    date = dt.date(2026, 10, 3)
    assert query_parameters(date, 6, "mssql") == {
        "extract_date": "20261003",
        "window_start": "20201003",
        "day_after": "20261004",
    }
    assert query_parameters(date, 6, "postgresql")["window_start"] == dt.date(2020, 10, 3)
    assert query_parameters(dt.date(2028, 2, 29), 6, "duckdb")["window_start"] == dt.date(
        2022, 2, 28
    )
