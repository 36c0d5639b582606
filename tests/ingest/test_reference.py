"""The partnership's reference files: loaded whole, replaced when changed, never half."""

from __future__ import annotations

from neglect_warehouse.partnership.ingest.folder import ingest_reference
from neglect_warehouse.partnership.ingest.pipeline import Options
from neglect_warehouse.partnership.warehouse import Warehouse


def population(case):
    with Warehouse(case.target) as wh:
        return wh.query(
            "select count(*), sum(cast(population as integer)) from raw.reference__population"
        )[0]


def run(case):
    return ingest_reference(case.landing, case.target, Options(case.quarantine))


def test_reference_files_load_once_and_are_replaced_when_changed(case):
    first = run(case)
    assert first.state == "LOADED"
    rows, total = population(case)
    assert rows == 3 * 18 * 7 and total > 1000  # 3 localities, ages 0–17, 7 mid-years
    assert run(case) is None  # unchanged: nothing to do
    path = case.landing / "reference" / "population.csv"
    lines = path.read_text().splitlines()
    head, *body = lines
    body = [",".join(row.split(",")[:3] + ["1"]) for row in body]
    path.write_text("\n".join([head, *body]) + "\n")
    assert run(case).state == "LOADED"
    assert population(case) == (rows, rows)  # replaced, not added


def test_bad_reference_files_leave_the_previous_ones_in_use(case):
    run(case)
    before = population(case)
    path = case.landing / "reference" / "localities.csv"
    path.write_text("locality_code,locality_name,extra\nL01,Somewhere,x\n")
    outcome = run(case)
    assert outcome.state == "QUARANTINED"
    assert any(f.rule == "schema_drift_extra_column" for f in outcome.findings)
    assert population(case) == before
