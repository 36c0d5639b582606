"""The analysts' DuckDB copy: marts only, read-only, and no way out to files or other
databases (the integrated refresh after a build is tested with the transform DAG)."""

from __future__ import annotations

import duckdb
import pytest

from neglect_warehouse.partnership import analyst_copy


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema raw; create schema staging; create schema marts")
    con.execute("create table raw.csc__persons as select 'P0001' as person_id")
    con.execute("create table staging.stg_csc__persons as select 'P0001' as person_id")
    con.execute(
        "create table marts.fct_indicator_values as "
        "select 'S01' as indicator_id, 12 as numerator union all select 'S02', 0"
    )
    con.execute("create table marts.dim_area as select 'ALL' as area_code")
    con.execute("create view marts.a_view as select 1 as x")  # not a table: not copied
    con.close()
    (tmp_path / "secret.csv").write_text("person_id\nP0001\n")
    return path


def test_the_copy_holds_the_marts_tables_and_nothing_else(warehouse, tmp_path):
    path, tables = analyst_copy.write(warehouse)
    assert path == tmp_path / "analyst.duckdb" and tables == 2
    assert oct(path.stat().st_mode & 0o777) == "0o444"
    con = analyst_copy.connect(path)
    assert con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = current_database() order by 2"
    ).fetchall() == [("marts", "dim_area"), ("marts", "fct_indicator_values")]
    assert con.execute(
        "select indicator_id, numerator from marts.fct_indicator_values order by 1"
    ).fetchall() == [("S01", 12), ("S02", 0)]
    assert not list(tmp_path.glob("*partial*"))


@pytest.mark.parametrize(
    "sql",
    [
        "select * from read_csv('{dir}/secret.csv')",  # a file
        "select * from glob('{dir}/*')",  # the file system
        "attach '{dir}/warehouse.duckdb' as full_warehouse",  # the whole warehouse
        "copy marts.dim_area to '{dir}/out.csv'",  # writing a file
        "create table marts.mine as select 1 as x",  # writing the copy
        "set enable_external_access = true",  # undoing the lock
        "load httpfs",  # an extension
    ],
)
def test_an_analyst_connection_cannot_reach_outside_the_marts(warehouse, tmp_path, sql):
    path, _ = analyst_copy.write(warehouse)
    con = analyst_copy.connect(path)
    with pytest.raises(duckdb.Error):
        con.execute(sql.format(dir=tmp_path))


def test_a_refresh_replaces_the_copy_whole(warehouse, tmp_path):
    analyst_copy.write(warehouse)
    con = duckdb.connect(str(warehouse))
    con.execute("insert into marts.fct_indicator_values values ('S03', 7)")
    con.close()
    path, _ = analyst_copy.write(warehouse)  # over the read-only file
    con = analyst_copy.connect(path)
    assert con.execute("select count(*) from marts.fct_indicator_values").fetchone() == (3,)


def test_a_warehouse_without_marts_gives_a_clear_error_and_no_file(tmp_path):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(RuntimeError, match="build the models first"):
        analyst_copy.write(empty)
    assert not (tmp_path / "analyst.duckdb").exists()
    assert not list(tmp_path.glob("*partial*"))
