"""Kill test: the load is killed (SIGKILL: no clean-up, no rollback handler) at every
checkpoint of ingest in turn. After each kill no partial delivery is visible, and a rerun
ends in exactly the state of an uninterrupted load."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

import pytest

from neglect_warehouse.partnership.ingest.folder import ingest_landing
from neglect_warehouse.partnership.ingest.pipeline import KILL_ENV, Options
from neglect_warehouse.partnership.warehouse import Warehouse, raw_table
from neglect_warehouse.shared import contract
from tests.ingest.test_bad_input import _duplicate_id, _invalid_code
from tests.ingest.test_hostile import _fifo, _impossible_stamp, _link_to_passwd, _parent_path

ENTITY_TABLES = [raw_table("police", e.name) for e in contract.entities("police")]
REFERENCE_TABLES = [raw_table("reference", e.name) for e in contract.entities("reference")]
STABLE = {  # table -> columns that do not depend on when the load ran
    "raw.deliveries": "delivery_id, agency, extract_date, manifest_sha256, state, reasons, "
    "rows_in, rows_loaded, rows_rejected",
    "raw.delivery_files": "*",
    "raw.rejected_rows": "*",
    "raw.rule_breaches": "*",
    "raw.validation_results": "*",
    **{t: "*" for t in ENTITY_TABLES + REFERENCE_TABLES},
}


def state_of(target) -> dict[str, list]:
    with Warehouse(target) as wh:
        return {t: wh.query(f"select {cols} from {t} order by all") for t, cols in STABLE.items()}


def assert_no_partial_delivery(target) -> None:
    with Warehouse(target) as wh:
        loaded = {
            d: n
            for d, n in wh.query(
                "select delivery_id, rows_loaded from raw.deliveries "
                "where state in ('LOADED', 'LOADED_WITH_WARNINGS')"
            )
        }
        visible: dict[str, int] = {}
        for t in ENTITY_TABLES:
            for delivery, n in wh.query(f"select _delivery_id, count(*) from {t} group by 1"):
                visible[delivery] = visible.get(delivery, 0) + n
        files = dict(
            wh.query("select delivery_id, sum(rows_loaded) from raw.delivery_files group by 1")
        )
    for delivery, n in visible.items():
        assert delivery in loaded, f"rows of {delivery} visible without a loaded delivery"
        assert n == loaded[delivery] == files[delivery], (delivery, n, loaded[delivery])


def ingest_cli(case, kill_at: int | None):
    env = {k: v for k, v in os.environ.items() if k != KILL_ENV}
    if kill_at is not None:
        env[KILL_ENV] = str(kill_at)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "neglect_warehouse.cli",
            "ingest",
            "--landing",
            str(case.landing),
            "--warehouse",
            case.target.location,
            "--quarantine",
            str(case.quarantine),
            "--agency",
            "police",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def kill_everywhere(case, tmp_path, exit_code: int, states: set[str]) -> list[int]:
    """Kill the police ingest at every checkpoint in turn; after each kill nothing is half
    done, and the rerun ends exactly as the uninterrupted run did. The checkpoints passed."""
    pristine = tmp_path / "pristine.duckdb"
    shutil.copy(case.target.location, pristine)

    reference = ingest_cli(case, None)
    assert reference.returncode == exit_code, reference.stderr
    expected = state_of(case.target)

    killed_at = []
    point = 1
    while True:
        shutil.copy(pristine, case.target.location)
        shutil.rmtree(case.quarantine, ignore_errors=True)
        run = ingest_cli(case, point)
        if run.returncode != -signal.SIGKILL:
            assert run.returncode == exit_code, run.stderr[-2000:]
            break  # past the last checkpoint: ran to the end
        killed_at.append(point)
        assert_no_partial_delivery(case.target)
        # the rerun, in this process: what the CLI runs (reference files included), unkilled
        rerun = ingest_landing(
            case.landing, case.target, Options(case.quarantine), agencies=("police",)
        )
        # (nothing when the kill came after the commit: the delivery was done)
        assert {o.state for o in rerun if o.agency == "police"} <= states, point
        assert state_of(case.target) == expected, f"killed at checkpoint {point}"
        point += 1
    return killed_at


def test_killed_at_every_checkpoint_leaves_no_partial_delivery(case, tmp_path):
    _duplicate_id(case)  # so that rejected rows and validity breaches are written too
    _invalid_code(case)
    killed_at = kill_everywhere(case, tmp_path, 0, {"LOADED_WITH_WARNINGS"})
    assert len(killed_at) >= 20, killed_at
    assert any(state_of(case.target)[t] for t in ENTITY_TABLES)


@pytest.mark.parametrize("breaker", [_link_to_passwd, _fifo, _impossible_stamp, _parent_path])
def test_killed_while_refusing_a_hostile_delivery(case, tmp_path, breaker):
    """The refusal paths: a link or FIFO where a file should be (refused when opened), a
    manifest that cannot be read (an impossible date), a name that leaves the folder."""
    breaker(case)
    killed_at = kill_everywhere(case, tmp_path, 1, {"QUARANTINED"})
    assert killed_at, "no checkpoint on this path"
    with Warehouse(case.target) as wh:
        states = wh.query("select state from raw.deliveries where agency = 'police'")
    assert states.count(("QUARANTINED",)) == 1
    assert case.outside_bytes_found() == []
