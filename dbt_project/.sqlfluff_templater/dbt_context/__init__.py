"""Stand-ins for the parts of dbt's Jinja context that sqlfluff's jinja templater lacks.

sqlfluff lints the dbt project with its jinja templater (`.sqlfluff` at the repository root),
not the dbt templater: no database connection, no manifest, seconds instead of minutes. Its
`apply_dbt_builtins` provides ref(), source(), config(), var(), is_incremental() and `this`;
`load_macros_from_path` provides the project's own macros. What is left is defined here, and
every name at this module's top level is a template variable (sqlfluff's `library_path`).

The SQL rendered here only has to parse like what dbt-duckdb renders: sqlfluff does not lint
inside templated code, so these are placeholders, not reimplementations.
"""

from types import SimpleNamespace

# Templates render as dbt renders them at parse time: `{% if execute %}` blocks (which read
# the manifest through `graph`) are skipped, as they are when dbt first parses the project.
execute = False
project_name = "neglect_warehouse"

# dbt's `model`, the node being rendered (a dict in dbt too). sqlfluff does not tell the
# context which file it renders, so every file gets the same name, of the
# int_<agency>__<entity>_records form that macros/agency_records.sql reads the agency and
# entity from.
model = {"name": "int_agency__entity_records"}


def _date_spine(datepart: str, start_date: str, end_date: str) -> str:
    """`dbt.date_spine`: rows of dates in a column date_<datepart> (its shape, not its SQL)."""
    return (
        f"select cast(spine.generate_series as date) as date_{datepart}\n"
        f"    from generate_series({start_date}, {end_date}, interval 1 {datepart}) as spine"
    )


def _dateadd(datepart: str, interval: int | str, from_date_or_timestamp: str) -> str:
    """`dbt.dateadd`, as dbt-duckdb renders it."""
    return f"date_add({from_date_or_timestamp}, interval ({interval}) {datepart})"


def _date_trunc(datepart: str, date: str) -> str:
    """`dbt.date_trunc`, as dbt-duckdb renders it."""
    return f"date_trunc('{datepart}', {date})"


# The `dbt` namespace of dbt's cross-database macros that the project calls.
dbt = SimpleNamespace(date_spine=_date_spine, dateadd=_dateadd, date_trunc=_date_trunc)
