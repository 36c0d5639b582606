"""Loading semantics: idempotence, duplicates, corrected deliveries, what stays current."""

from __future__ import annotations

import hashlib
import os

from neglect_warehouse.partnership.warehouse import Warehouse, raw_table
from neglect_warehouse.shared import contract
from tests.ingest.conftest import SECOND
from tests.ingest.test_bad_input import _empty_file, set_cell

TABLES = [
    "raw.deliveries",
    "raw.delivery_files",
    "raw.rejected_rows",
    "raw.rule_breaches",
    "raw.validation_results",
] + [raw_table(a, e.name) for a in contract.AGENCIES for e in contract.entities(a)]


def snapshot(case) -> dict[str, str]:
    """A digest of every table's full contents (all but the arrival log)."""
    with Warehouse(case.target) as wh:
        out = {}
        for table in TABLES:
            rows = wh.query(f"select * from {table} order by all")
            out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return out


def current(case, agency):
    with Warehouse(case.target) as wh:
        return wh.query(
            "select delivery_id, extract_date from raw.current_deliveries where agency = ?",
            [agency],
        )[0]


def test_same_delivery_twice_is_a_duplicate_and_changes_nothing(case):
    first = case.ingest("police")
    assert first.state == "LOADED"
    before = snapshot(case)
    assert case.ingest("police") is None  # same files, same arrival: nothing new
    manifest = case.manifest("police")
    os.utime(manifest, (manifest.stat().st_atime, manifest.stat().st_mtime + 3600))
    again = case.ingest("police")  # the agency sends the same files again
    assert again.state == "DUPLICATE" and again.delivery_id == first.delivery_id
    assert snapshot(case) == before
    with Warehouse(case.target) as wh:
        events = wh.query(
            "select state from raw.delivery_events where delivery_id = ? order by event_at, state",
            [first.delivery_id],
        )
    assert [e[0] for e in events] == ["LOADED", "DUPLICATE"]


def test_corrected_delivery_for_the_same_date_supersedes(case):
    first = case.ingest("police")
    rows = case.read("police", "flags")
    case.write("police", "flags", set_cell(rows, 1, "end_date", "2026-10-30"))
    manifest = case.manifest("police")
    os.utime(manifest, (manifest.stat().st_atime, manifest.stat().st_mtime + 86400))
    corrected = case.ingest("police")
    assert corrected.state == "LOADED" and corrected.delivery_id != first.delivery_id
    assert current(case, "police")[0] == corrected.delivery_id
    with Warehouse(case.target) as wh:  # both stay in the raw layer, for audit
        ids = {r[0] for r in wh.query("select distinct _delivery_id from raw.police__flags")}
    assert {first.delivery_id, corrected.delivery_id} <= ids


def test_quarantined_delivery_leaves_the_previous_one_current(case):
    previous = current(case, "police")
    _empty_file(case)
    assert case.ingest("police").state == "QUARANTINED"
    assert current(case, "police") == previous
    assert str(previous[1]) < "2026-10-31"


def test_status_command_lists_every_delivery(case):
    from tests.conftest import run_cli

    case.ingest("police")
    out = run_cli("status", "--warehouse", case.target.location, key=None)
    assert "police" in out and "LOADED" in out and "2026-10-31" in out
    assert SECOND
