"""The whole hand-over, through the DAGs, on a tiny partnership: each agency's extract DAG
reads its own system (``generate --sources``), pseudonymises and sends its delivery over SFTP
to a real OpenSSH server serving the partnership's landing folder; the arrival sensors see the
deliveries arrive and the ingest DAGs and the transform build the warehouse. The deliveries
arrive byte for byte as ``generate --landing`` makes them from the same seed, and the
warehouse equals, table for table and row for row, the one built from that landing."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from neglect_synthetic.sources.agencies import source_connection
from neglect_synthetic.sources.round_trip import differences
from neglect_warehouse.partnership.run_dags import ONE_PASS, run_dags
from neglect_warehouse.shared.contract import AGENCIES
from tests import sshd

KEY = "synthetic-data-demo-key-not-a-secret"
SFTP_CONN = "partnership_sftp"
# The extract DAG's run for November 2026 (02:00 on the 3rd): extract date 2026-10-31.
NOVEMBER_RUN = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)
INGEST = [
    ("ingest_dags.py", "ingest_reference"),
    *(("ingest_dags.py", f"ingest_{a}") for a in AGENCIES),
    ("transform_dag.py", "transform"),
]
# When a row was loaded or an event recorded: the two builds differ only by the clock.
CLOCK_COLUMNS = {"processed_at", "event_at", "loaded_at", "built_at", "validated_at", "run_at"}


def _cli(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "neglect_warehouse.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "NEGLECT_WAREHOUSE_KEY": KEY},
        cwd=cwd,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _connection(**fields) -> str:
    return json.dumps(fields)


def _ingest(home: Path, landing: Path, warehouse: Path, out: Path, **timing: str) -> list[dict]:
    settings = {
        "NEGLECT_WAREHOUSE": str(warehouse),
        "NEGLECT_WAREHOUSE_LANDING": str(landing),
        "NEGLECT_WAREHOUSE_QUARANTINE": str(out / "quarantine"),
        "NEGLECT_WAREHOUSE_OUTBOX": str(out / "outbox"),
        **timing,
    }
    results, output = run_dags(home, INGEST, settings, retries=False, timeout=900)
    assert len(results) == len(INGEST), output[-5000:]
    for r in results:
        assert r["state"].endswith("success"), (r, output[-5000:])
    return results


def _tables(con, db: str) -> dict[str, list[str]]:
    rows = con.execute(
        "select table_schema || '.' || table_name, column_name from information_schema.columns "
        "where table_catalog = ? and table_schema in ('raw', 'marts') order by ordinal_position",
        [db],
    ).fetchall()
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(table, []).append(column)
    return found


def _warehouse_differences(a: Path, b: Path) -> list[str]:
    con = duckdb.connect()
    con.execute(f"attach '{a}' as a (read_only)")
    con.execute(f"attach '{b}' as b (read_only)")
    ta, tb = _tables(con, "a"), _tables(con, "b")
    found = [f"only in one warehouse: {t}" for t in sorted(set(ta) ^ set(tb))]
    for table in sorted(set(ta) & set(tb)):
        columns = ", ".join(f'"{c}"' for c in ta[table] if c not in CLOCK_COLUMNS)
        for x, y in (("a", "b"), ("b", "a")):
            extra = con.execute(
                f"select count(*) from (select {columns} from {x}.{table} "
                f"except all select {columns} from {y}.{table})"
            ).fetchone()[0]
            if extra:
                found.append(f"{table}: {extra} row(s) only in warehouse {x}")
    return found


def test_extract_dags_send_over_sftp_and_the_warehouse_equals_generate_landing(
    airflow_home, tmp_path, monkeypatch
):
    _cli(
        "generate", "--profile", "tiny", "--out", str(tmp_path / "gen"),
        "--landing", str(tmp_path / "expected"), "--sources", str(tmp_path / "sources"),
        cwd=tmp_path,
    )  # fmt: skip
    listing = (tmp_path / "sources" / "sources.tsv").read_text().splitlines()
    systems = [line.split("\t") for line in listing]  # agency, system, date, url
    assert sorted(s[0] for s in systems) == sorted(AGENCIES)
    assert sshd.available(), "OpenSSH's server is not installed: run `make sshd`"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.ssh of the machine's
    landing = tmp_path / "landing"
    with sshd.SshServer(landing) as server:
        settings = {
            "NEGLECT_AGENCY_EXTRACTS": ",".join(f"{a}={system}" for a, system, _, _ in systems),
            "NEGLECT_AGENCY_OUTBOX": str(tmp_path / "agency-outbox"),
            "NEGLECT_AGENCY_DELIVER_TO": f"sftp://{SFTP_CONN}/",
            "AIRFLOW_CONN_PARTNERSHIP_SFTP": server.airflow_connection_json(),
            "AIRFLOW_CONN_NEGLECT_PSEUDONYMISATION_KEY": _connection(
                conn_type="generic", login="synthetic", password=KEY
            ),
            **{
                f"AIRFLOW_CONN_{a.upper()}_SOURCE": source_connection(url)
                for a, _, _, url in systems
            },
        }
        dags = [("extract_dags.py", f"extract_{a}") for a, _, _, _ in systems]
        results, output = run_dags(
            airflow_home, dags, settings, retries=False, logical_date=NOVEMBER_RUN, timeout=900
        )
        assert len(results) == len(dags), output[-5000:]
        for r in results:
            assert r["state"].endswith("success"), (r, output[-5000:])
            sent = r["xcom"]["send_delivery"]
            assert sent["sent"][-1].endswith("__manifest__20261031.json"), sent  # manifest last
        assert KEY not in output  # the key is never logged
    # what arrived over SFTP is what generate --landing made, byte for byte, and nothing else
    assert differences(tmp_path / "expected", landing, list(AGENCIES)) == []
    assert not [p for p in landing.rglob("*") if p.name.startswith(".")]

    # the partnership's side: arrival stamped as simulated, then sensors, ingest, transform
    _cli("arrive", "--generated", str(tmp_path / "gen"), "--landing", str(landing), cwd=tmp_path)
    for placed in (landing / "reference").iterdir():  # the partnership's own files, not sent:
        made = (tmp_path / "expected" / "reference" / placed.name).stat()  # the same arrival
        os.utime(placed, ns=(made.st_atime_ns, made.st_mtime_ns))
    waiting = {
        "NEGLECT_WAREHOUSE_ARRIVAL_WAIT": "120",
        "NEGLECT_WAREHOUSE_ARRIVAL_GRACE": "3600",
        "NEGLECT_WAREHOUSE_ARRIVAL_POLL": "1",
    }
    built = _ingest(airflow_home, landing, tmp_path / "sftp.duckdb", tmp_path / "run", **waiting)
    for r in built:
        if r["dag_id"].startswith("ingest_") and r["dag_id"] != "ingest_reference":
            arrived = r["xcom"]["wait_for_delivery"]
            assert [Path(p).name for p in arrived["ready"]] == [
                f"{r['dag_id'].removeprefix('ingest_')}__manifest__20261031.json"
            ], arrived
            assert arrived["overdue"] == []
    _ingest(airflow_home, tmp_path / "expected", tmp_path / "expected.duckdb", tmp_path / "run2",
            **ONE_PASS)  # fmt: skip
    assert _warehouse_differences(tmp_path / "sftp.duckdb", tmp_path / "expected.duckdb") == []
