"""``neglect-warehouse run``: a landing folder through the real Airflow DAGs (ingest, then the
transform's dbt build) into a DuckDB file; a rerun loads nothing twice and a quarantined
delivery is reported without failing the run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from neglect_warehouse.cli import main
from neglect_warehouse.partnership.transform.dbt_build import PROJECT
from neglect_warehouse.partnership.warehouse import Target, Warehouse

DAG_IDS = [
    "ingest_reference",
    "ingest_csc",
    "ingest_police",
    "ingest_health",
    "ingest_probation",
    "transform",
    "board_pack",
]


def run(landing: Path, warehouse: Path, out: Path):
    return CliRunner().invoke(
        main,
        ["run", "--landing", str(landing), "--warehouse", str(warehouse), "--out", str(out)],
        catch_exceptions=False,
    )


def counts(warehouse: Path) -> dict[str, int]:
    """Rows of every table of the raw, intermediate and marts schemas."""
    with Warehouse(Target.parse(warehouse)) as wh:
        tables = wh.query(
            "select table_schema, table_name from information_schema.tables where table_type ="
            " 'BASE TABLE' and table_schema in ('raw', 'intermediate', 'marts') order by 1, 2"
        )
        return {f"{s}.{t}": wh.query(f'select count(*) from {s}."{t}"')[0][0] for s, t in tables}


def test_run_loads_every_delivery_builds_the_models_and_reruns_idempotently(tiny_clean, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(tiny_clean / "landing", landing)  # keeps the files' times (arrival)
    warehouse = tmp_path / "wh" / "warehouse.duckdb"

    first = run(landing, warehouse, tmp_path / "out1")
    assert first.exit_code == 0, first.output
    for dag_id in DAG_IDS:
        assert f"{dag_id} …" in first.output
    assert "csc 2026-10-31" in first.output and "LOADED" in first.output
    summary = json.loads((tmp_path / "out1" / "run-summary.json").read_text())
    assert summary["ok"]
    assert [(r["dag_id"], r["state"]) for r in summary["dag_runs"]] == [
        (d, "success") for d in DAG_IDS
    ]
    assert len(summary["deliveries"]) == 9  # 4 agencies × 2 months + the reference files
    assert {d["state"] for d in summary["deliveries"]} == {"LOADED"}
    assert (tmp_path / "out1" / "run-summary.md").read_text().startswith("# Run summary")
    # the run ends with the board pack of the latest month, published under --out
    packs = [p for p in (tmp_path / "out1" / "outbox").iterdir() if p.name[:1].isdigit()]
    assert [p.name for p in packs] == ["2026-10"]
    assert len(list(packs[0].glob("neglect-indicators-2026-10*"))) == 4  # pdf html xlsx csv
    assert f"board pack: {packs[0]}" in first.output
    with Warehouse(Target.parse(warehouse)) as wh:
        states = wh.query("select agency, state from raw.deliveries")
        linked = wh.query("select count(*) from intermediate.int_children_linked")[0][0]
    assert len(states) == 9 and {s for _, s in states} == {"LOADED"}
    assert linked > 0
    before = counts(warehouse)
    assert before["marts.mart_linkage_summary"] == 4
    if list(PROJECT.glob("models/marts/**/fct_indicator_values.sql")):
        assert before["marts.fct_indicator_values"] > 0
        assert summary["fct_indicator_values"] == before["marts.fct_indicator_values"]

    # Rerun with one new delivery that is quarantined: nothing loaded twice, nothing changed,
    # the quarantine reported, and no transform (nothing new to build from).
    (landing / "probation" / "probation__manifest__20261130.json").write_text("not json")
    second = run(landing, warehouse, tmp_path / "out2")
    assert second.exit_code == 0, second.output
    summary = json.loads((tmp_path / "out2" / "run-summary.json").read_text())
    assert summary["ok"]
    states = {r["dag_id"]: r["state"] for r in summary["dag_runs"]}
    assert states == {
        **{d: "success" for d in DAG_IDS},
        "ingest_probation": "quarantined",
        "transform": "not needed",
        "board_pack": "not needed",
    }
    assert [(d["agency"], d["extract_date"], d["state"]) for d in summary["deliveries"]] == [
        ("probation", "2026-11-30", "QUARANTINED")
    ]
    assert "not valid JSON" in second.output
    assert list((tmp_path / "out2" / "quarantine" / "probation").glob("*/report.md"))
    after = counts(warehouse)
    assert after.pop("raw.deliveries") == before.pop("raw.deliveries") + 1  # the quarantined one
    after.pop("raw.delivery_events"), before.pop("raw.delivery_events")
    assert after == before


def test_run_publishes_the_pack_of_a_partnership_with_short_ids(tiny_clean, tmp_path):
    """Record ids such as A13 (a cell reference in any workbook) and S47 (a word of the
    pack's own wording) are not mistaken for leaked identifiers: the pack is published."""
    from tests.short_ids import shorten_ids

    landing = tmp_path / "landing"
    shutil.copytree(tiny_clean / "landing", landing)
    mapping = shorten_ids(landing)
    assert {"A13", "S47", "P13"} <= set(mapping["csc"].values())
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    result = run(landing, warehouse, tmp_path / "out")
    assert result.exit_code == 0, result.output
    with Warehouse(Target.parse(warehouse)) as wh:
        assert wh.query("select count(*) from raw.csc__assessments where assessment_id = 'A13'")
        assert {s for (s,) in wh.query("select state from raw.deliveries")} == {"LOADED"}
    published = list((tmp_path / "out" / "outbox" / "2026-10").glob("neglect-indicators-*"))
    assert len(published) == 4, result.output
