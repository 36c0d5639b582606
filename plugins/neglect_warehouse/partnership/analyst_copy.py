"""The analysts' copy of an embedded (DuckDB) warehouse: the ``marts`` schema only, in its own
file, opened read-only with external access disabled (docs/analyst-guide.md).

An analyst on the embedded default gets this file, not the warehouse: raw, staging and
intermediate data are not in it, and a connection from ``connect`` can neither write, nor read
or write files, nor attach another database (the full warehouse included), nor change those
settings back. The transform DAG refreshes it after every build; it is written beside the final
file and renamed into place, so a reader never sees half a copy.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "NEGLECT_WAREHOUSE_ANALYST_COPY"
# Not "marts.duckdb": DuckDB names a catalog after its file, and "marts.x" would be ambiguous.
NAME = "analyst.duckdb"
# Read-only, no files, no other databases, no extensions fetched or loaded, settings locked.
ANALYST_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "lock_configuration": True,
}


def location(warehouse: str | os.PathLike) -> Path:
    """Where the copy of ``warehouse`` goes: ``$NEGLECT_WAREHOUSE_ANALYST_COPY``, else
    ``analyst.duckdb`` beside it."""
    return Path(os.environ.get(ENV) or Path(warehouse).with_name(NAME))


def write(warehouse: str | os.PathLike, out: str | os.PathLike | None = None) -> tuple[Path, int]:
    """Copy every table of ``warehouse``'s ``marts`` schema into a new file at ``out``
    (default ``location(warehouse)``), read-only on disk. Returns the path and table count."""
    import duckdb

    out = Path(out) if out else location(warehouse)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f"{out.stem}-partial.duckdb")
    partial.unlink(missing_ok=True)
    con = duckdb.connect(str(partial))
    try:
        source = str(Path(warehouse).resolve()).replace("'", "''")
        con.execute(f"attach '{source}' as warehouse (read_only)")
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_catalog = "
                "'warehouse' and table_schema = 'marts' and table_type = 'BASE TABLE' order by 1"
            ).fetchall()
        ]
        if not tables:
            raise RuntimeError(f"{warehouse} has no marts yet: build the models first")
        row = con.execute("select current_database()").fetchone()
        assert row is not None  # a select without from: always one row
        (copy,) = row
        con.execute(f'create schema "{copy}".marts')
        for name in tables:
            con.execute(
                f'create table "{copy}".marts."{name}" as select * from warehouse.marts."{name}"'
            )
        con.execute("detach warehouse")
        con.execute("checkpoint")
    except BaseException:
        con.close()
        partial.unlink(missing_ok=True)
        raise
    con.close()
    partial.chmod(0o444)
    os.replace(partial, out)
    return out, len(tables)


def connect(path: str | os.PathLike):
    """A connection to an analyst copy as an analyst gets it (read-only, no external access)."""
    import duckdb

    if not Path(path).exists():
        raise FileNotFoundError(f"{path} does not exist: the transform writes it after a build")
    return duckdb.connect(str(path), read_only=True, config=ANALYST_CONFIG)
