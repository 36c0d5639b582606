"""The arrival sensor: what counts as a delivery arrived whole (``ingest/arrival.scan``, by
hand), and, through the ingest DAG with a real SFTP server, a misbehaving client that uploads
its manifest before its files: the sensor waits, the ingest never sees the delivery, and it
loads once the files are there; a delivery that never completes is reported after the grace
period (recorded INCOMPLETE, the run red with the reason)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from pathlib import Path

import paramiko
import pytest

from neglect_warehouse.partnership.ingest.arrival import HashCache, scan, settled_key
from neglect_warehouse.partnership.ingest.landing import read_manifest
from neglect_warehouse.partnership.warehouse import Target, Warehouse
from tests import sshd
from tests.dags.conftest import run_dag

STAMP = "20261031"


@pytest.fixture
def police(tiny_clean, tmp_path) -> Path:
    """A landing folder holding the police delivery of 2026-10-31 only."""
    landing = tmp_path / "landing"
    (landing / "police").mkdir(parents=True)
    for path in (tiny_clean / "landing" / "police").glob(f"*__{STAMP}.*"):
        shutil.copy2(path, landing / "police" / path.name)
    return landing


def _manifest(landing: Path) -> Path:
    return landing / "police" / f"police__manifest__{STAMP}.json"


def _files(landing: Path) -> list[Path]:
    return sorted(p for p in (landing / "police").glob("*.csv"))


def test_a_whole_delivery_is_ready(police):
    found = scan(police, "police", set())
    assert found.ready == [str(_manifest(police))] and found.waiting == []


def test_a_manifest_before_its_files_waits(police):
    held = _files(police)[1]
    held.unlink()
    found = scan(police, "police", set())
    assert found.ready == []
    [waiting] = found.waiting
    assert waiting.manifest == str(_manifest(police)) and waiting.stamp == STAMP
    assert f"{held.name} has not arrived" in waiting.reason


def test_a_file_still_being_written_under_its_name_waits(police):
    partial = _files(police)[0]
    partial.write_bytes(partial.read_bytes()[:100])
    [waiting] = scan(police, "police", set()).waiting
    assert f"{partial.name} does not match its manifest" in waiting.reason


def test_staging_names_are_not_looked_at(police):
    (police / "police" / f".police__manifest__{STAMP}.json.part").write_text("{")
    (police / "police" / f".police__incidents__{STAMP}.csv.part").write_text("half")
    assert scan(police, "police", set()).ready == [str(_manifest(police))]


def test_files_without_a_manifest_wait_and_become_overdue(police):
    _manifest(police).unlink()
    [waiting] = scan(police, "police", set()).waiting
    assert waiting.manifest is None and "no manifest" in waiting.reason
    now = time.time()
    os.utime(_files(police)[0], (now - 7200, now - 7200))
    for f in _files(police):
        os.utime(f, (now - 7200, now - 7200))
    [waiting] = scan(police, "police", set()).waiting
    assert waiting.overdue(3600, now) and not waiting.overdue(3 * 3600, now)


def test_a_settled_delivery_is_not_ready_again_but_a_new_arrival_of_it_is(police):
    m = read_manifest(_manifest(police))
    settled = {settled_key(m.delivery_id, m.arrived_at)}
    assert scan(police, "police", settled).ready == []
    later = m.arrived_at.timestamp() + 3600  # the same bytes sent again
    os.utime(_manifest(police), (later, later))
    assert scan(police, "police", settled).ready == [str(_manifest(police))]


def test_an_unreadable_manifest_goes_to_the_ingest_to_be_quarantined(police):
    _manifest(police).write_text("{not json")
    assert scan(police, "police", set()).ready == [str(_manifest(police))]


def test_files_are_hashed_once_while_unchanged(police, monkeypatch):
    cache = HashCache()
    scan(police, "police", set(), cache)
    opened = []
    real_open = open

    def counting_open(path, *args, **kwargs):
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", counting_open)
    scan(police, "police", set(), cache)
    assert not [p for p in opened if p.endswith(".csv")]


def _settings(tmp_path: Path, landing: Path, wait_seconds: int, grace_seconds: int) -> dict:
    """The ingest DAG's settings, with the arrival sensor's timing, looking every second."""
    return {
        "NEGLECT_WAREHOUSE": str(tmp_path / "wh.duckdb"),
        "NEGLECT_WAREHOUSE_LANDING": str(landing),
        "NEGLECT_WAREHOUSE_QUARANTINE": str(tmp_path / "quarantine"),
        "NEGLECT_WAREHOUSE_ARRIVAL_WAIT": str(wait_seconds),
        "NEGLECT_WAREHOUSE_ARRIVAL_GRACE": str(grace_seconds),
        "NEGLECT_WAREHOUSE_ARRIVAL_POLL": "1",
    }


def _upload(server: sshd.SshServer, local: Path, remote: str) -> None:
    """A misbehaving client: plain SFTP puts under the final names, in the order given."""
    key = paramiko.Ed25519Key.from_private_key_file(str(server.user_key_path))
    transport = paramiko.Transport((server.host, server.port))
    try:
        transport.connect(username=server.user, pkey=key)
        sftp = paramiko.SFTPClient.from_transport(transport)
        assert sftp is not None
        with sftp:
            if "police" not in sftp.listdir("."):
                sftp.mkdir("police")
            sftp.put(str(local), remote)
    finally:
        transport.close()


def test_manifest_sent_first_the_sensor_waits_and_the_ingest_never_sees_it(
    airflow_home, police, tmp_path, monkeypatch
):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    outbox = tmp_path / "outbox"
    shutil.move(police, outbox)
    landing = tmp_path / "sftp-landing"
    settings = _settings(tmp_path, landing, wait_seconds=3, grace_seconds=3600)
    manifest = _manifest(outbox)
    files = _files(outbox)
    with sshd.SshServer(landing) as server:
        _upload(server, manifest, f"police/{manifest.name}")
        _upload(server, files[0], f"police/{files[0].name}")
        waited = run_dag(airflow_home, "ingest_dags.py", "ingest_police", **settings)
        assert waited["tasks"]["wait_for_delivery"].endswith("skipped"), waited
        assert waited["tasks"]["load_new_deliveries"].endswith("skipped"), waited
        with Warehouse(Target.parse(tmp_path / "wh.duckdb")) as wh:
            wh.ensure_schema()
            assert wh.query("select count(*) from raw.deliveries")[0][0] == 0
            assert wh.query("select count(*) from raw.delivery_events")[0][0] == 0

        for f in files[1:]:
            _upload(server, f, f"police/{f.name}")
        arrived = run_dag(airflow_home, "ingest_dags.py", "ingest_police", **settings)
    assert set(arrived["tasks"].values()) == {"success"}, arrived
    assert arrived["xcom"]["wait_for_delivery"]["ready"] == [str(_manifest(landing).resolve())]
    with Warehouse(Target.parse(tmp_path / "wh.duckdb")) as wh:
        states = wh.query("select extract_date, state from raw.deliveries")
    assert states == [(dt.date(2026, 10, 31), "LOADED")]  # a clean partnership


def test_a_delivery_that_never_completes_is_reported_after_the_grace_period(
    airflow_home, police, tmp_path
):
    held = _files(police)[2]
    held.unlink()
    an_hour_ago = time.time() - 3600
    for f in [_manifest(police), *_files(police)]:
        os.utime(f, (an_hour_ago, an_hour_ago))
    settings = _settings(tmp_path, police, wait_seconds=2, grace_seconds=1800)
    result = run_dag(airflow_home, "ingest_dags.py", "ingest_police", **settings)
    assert result["state"].endswith("failed"), result
    assert result["tasks"]["alert_on_problems"].endswith("failed")
    assert f"{held.name} has not arrived" in result["errors"]["alert_on_problems"]
    assert "overdue for 1.0 h" in result["errors"]["alert_on_problems"]
    [overdue] = result["xcom"]["wait_for_delivery"]["overdue"]
    assert overdue["stamp"] == STAMP
    with Warehouse(Target.parse(tmp_path / "wh.duckdb")) as wh:
        rows = wh.query("select state, reasons from raw.deliveries")
    assert [r[0] for r in rows] == ["INCOMPLETE"]
    assert held.name in json.loads(rows[0][1])[0]
