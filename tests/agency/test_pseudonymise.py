"""The pseudonymisation tool an agency runs before delivery (extracts.md §3)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from neglect_warehouse.cli import main
from neglect_warehouse.shared import contract
from tests.conftest import TEST_KEY
from tests.contract_check import read_rows

RAW_PERSONS = """\
person_id,nhs_number,surname,forenames,date_of_birth,sex,uprn,address_line_1,postcode,free_text
N1,9434765919,O'Brien,Mary Ann,2019-03-07,F,100023336956,1 HIGH STREET,ZX1 2AB,lives with mum
N2,9434765918,Smith,Jack,2015-11-30,M,,2 HIGH STREET,ZX1 2AB,
N3,,Smith,,2015-11-30,M,100023336957,,,
"""


def write_raw(root: Path) -> Path:
    raw = root / "raw" / "probation"
    raw.mkdir(parents=True)
    (raw / "probation__persons__20261031.csv").write_text(RAW_PERSONS)
    for entity in contract.entities("probation")[1:]:
        (raw / entity.file_name("20261031")).write_text(",".join(entity.column_names) + "\n")
    (raw / "probation__cases__20261031.csv").write_text(
        "case_id,person_id,provider,start_date,end_date,rosh_children,children_in_household,"
        "officer_notes\nK1,N1,PS,2026-01-05,,LOW,Y,Address 1 HIGH STREET ZX1 2AB\n"
    )
    return root / "raw"


def invoke(args, env):
    return CliRunner().invoke(main, ["pseudonymise", *args], env=env)


def args_for(raw: Path, landing: Path) -> list[str]:
    return [
        "--agency",
        "probation",
        "--extract-date",
        "2026-10-31",
        "--raw",
        str(raw),
        "--landing",
        str(landing),
        "--key-id",
        "k2026a",
    ]


def test_tokens_birth_month_and_dropped_columns(tmp_path):
    raw = write_raw(tmp_path)
    result = invoke(args_for(raw, tmp_path / "landing"), {"NEGLECT_WAREHOUSE_KEY": TEST_KEY})
    assert result.exit_code == 0, result.output
    header, rows = read_rows(tmp_path / "landing/probation/probation__persons__20261031.csv")
    assert header == contract.entity("probation", "persons").column_names
    mary, jack, nameless = rows
    assert mary["person_token"] == "cd9c7828c0548364cb61e04ea7d431de"  # OpenSSL known answer
    assert mary["person_alt_token"] == "89c6444065dbf7a2267604113f7035b0"
    assert mary["household_token"] == "e72f20f574c16c288569b58f589fc406"
    assert mary["birth_month"] == "2019-03"
    assert jack["person_token"] == ""  # 9434765918 fails the modulus-11 check
    assert jack["household_token"] == ""
    assert nameless["person_alt_token"] == ""  # no forename, no alternative token
    header, rows = read_rows(tmp_path / "landing/probation/probation__cases__20261031.csv")
    assert "officer_notes" not in header and rows[0]["case_id"] == "K1"
    manifest = json.loads(
        (tmp_path / "landing/probation/probation__manifest__20261031.json").read_text()
    )
    assert manifest["key_id"] == "k2026a" and manifest["files"][0]["rows"] == 3
    assert [
        p.name for p in (tmp_path / "landing/probation").iterdir() if p.name.startswith(".")
    ] == []


def test_key_from_file_gives_the_same_tokens(tmp_path):
    raw = write_raw(tmp_path)
    key_file = tmp_path / "partnership.key"
    key_file.write_text(TEST_KEY + "\n")
    result = invoke([*args_for(raw, tmp_path / "landing"), "--key-file", str(key_file)], {})
    assert result.exit_code == 0, result.output
    _, rows = read_rows(tmp_path / "landing/probation/probation__persons__20261031.csv")
    assert rows[0]["person_token"] == "cd9c7828c0548364cb61e04ea7d431de"


def test_the_key_is_never_written(tmp_path):
    raw = write_raw(tmp_path)
    invoke(args_for(raw, tmp_path / "landing"), {"NEGLECT_WAREHOUSE_KEY": TEST_KEY})
    for path in (tmp_path / "landing").rglob("*"):
        if path.is_file():
            assert TEST_KEY.encode() not in path.read_bytes()
            assert TEST_KEY.encode().hex().encode() not in path.read_bytes()


def test_missing_or_short_key_is_a_clear_error(tmp_path):
    raw = write_raw(tmp_path)
    result = invoke(args_for(raw, tmp_path / "landing"), {"NEGLECT_WAREHOUSE_KEY": ""})
    assert result.exit_code != 0 and "NEGLECT_WAREHOUSE_KEY" in result.output
    result = invoke(args_for(raw, tmp_path / "landing"), {"NEGLECT_WAREHOUSE_KEY": "short"})
    assert result.exit_code != 0 and "shorter than 16 bytes" in result.output
    assert not (tmp_path / "landing" / "probation").exists() or not list(
        (tmp_path / "landing" / "probation").glob("*.json")
    )


def test_missing_raw_file_writes_no_delivery(tmp_path):
    raw = write_raw(tmp_path)
    (raw / "probation" / "probation__home_visits__20261031.csv").unlink()
    result = invoke(args_for(raw, tmp_path / "landing"), {"NEGLECT_WAREHOUSE_KEY": TEST_KEY})
    assert result.exit_code != 0 and "raw file missing" in result.output
    assert list((tmp_path / "landing" / "probation").iterdir()) == []


def test_generated_deliveries_link_across_agencies(tiny_clean):
    """The same NHS number gives the same token in every agency's delivery."""
    tokens = {}
    for agency in ("csc", "health"):
        _, rows = read_rows(tiny_clean / "landing" / agency / f"{agency}__persons__20261031.csv")
        tokens[agency] = {r["person_token"] for r in rows if r["person_token"]}
    assert len(tokens["csc"] & tokens["health"]) > 0.8 * len(tokens["csc"])
