"""The generator as a user runs it: `neglect-warehouse generate --landing`."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest

from neglect_synthetic.generator.population import word_list
from neglect_warehouse.shared import contract
from neglect_warehouse.shared.nhs_number import is_valid
from tests.conftest import SEED, generate
from tests.contract_check import delivery_problems, read_rows

EXTRACTS = [dt.date(2026, 9, 30), dt.date(2026, 10, 31)]
POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2}\b")
# ten digits standing alone (a token is hex, so digit runs inside it are not numbers)
TEN_DIGITS = re.compile(r"(?<![0-9A-Za-z])\d{10}(?![0-9A-Za-z])")


def digest_tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_every_delivery_conforms_to_the_contract(tiny_clean):
    landing = tiny_clean / "landing"
    for extract in EXTRACTS:
        for agency in contract.AGENCIES:
            assert delivery_problems(landing, agency, extract) == [], (agency, extract)


def test_every_entity_has_records(tiny_clean):
    landing = tiny_clean / "landing"
    for agency in contract.AGENCIES:
        manifest = json.loads((landing / agency / f"{agency}__manifest__20261031.json").read_text())
        names = [f["name"] for f in manifest["files"]]
        assert names == [e.file_name("20261031") for e in contract.entities(agency)]
        empty = [f["name"] for f in manifest["files"] if f["rows"] == 0]
        assert empty == [], f"{agency} delivered empty files {empty}"
        assert manifest["spec_version"] == "1" and manifest["key_id"] == "synthetic"


def test_reference_files(tiny_clean):
    header, rows = read_rows(tiny_clean / "landing" / "reference" / "population.csv")
    assert header == ["mid_year", "locality_code", "age", "population"]
    ages = {int(r["age"]) for r in rows}
    assert ages == set(range(18))
    latest = max(int(r["mid_year"]) for r in rows)
    children = sum(int(r["population"]) for r in rows if int(r["mid_year"]) == latest)
    assert 1600 <= children <= 2400  # tiny is about 2,000 children
    header, rows = read_rows(tiny_clean / "landing" / "reference" / "localities.csv")
    assert header == ["locality_code", "locality_name"] and len(rows) == 3


def test_no_identifier_leaves_the_agency(tiny_clean):
    """No name, date of birth, address, postcode or valid NHS number in any landing file."""
    names = (
        set(word_list("surnames")) | set(word_list("forenames_f")) | set(word_list("forenames_m"))
    )
    streets = set(word_list("streets"))
    raw_values = set()
    for path in (tiny_clean / "out" / "raw").rglob("*persons*.csv"):
        _, rows = read_rows(path)
        for r in rows:
            raw_values.update(
                v
                for k, v in r.items()
                if k in ("surname", "forenames", "address_line_1", "postcode", "uprn", "nhs_number")
                and v
            )
    assert len(raw_values) > 1000  # the raw extract really holds identifiers
    checked = 0
    for path in (tiny_clean / "landing").rglob("*.csv"):
        if path.parent.name == "reference":
            continue
        with open(path, encoding="utf-8") as f:
            for row in csv.reader(f):
                for value in row:
                    checked += 1
                    if "persons" in path.name:  # a date of birth is cut to its month
                        assert not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), (path.name, value)
                    assert value not in raw_values, (path.name, value)
                    assert value.upper() not in names, (path.name, value)
                    assert not any(s in value.upper() for s in streets), (path.name, value)
                    assert not POSTCODE.search(value), (path.name, value)
                    for digits in TEN_DIGITS.findall(value):
                        assert not is_valid(digits), (path.name, value)
    assert checked > 100_000


def test_same_seed_gives_byte_identical_files(tiny_clean, tmp_path):
    again = generate(tmp_path, "--deliveries", "2", "--clean")
    for folder in ("out/raw", "out/reference", "out/truth", "landing"):
        assert digest_tree(again / folder) == digest_tree(tiny_clean / folder), folder


def test_another_seed_gives_another_partnership(tiny_clean, tmp_path):
    from tests.conftest import run_cli

    run_cli(
        "generate",
        "--profile",
        "tiny",
        "--seed",
        str(SEED + 1),
        "--out",
        str(tmp_path / "out"),
        "--clean",
    )
    a = (tmp_path / "out/raw/csc/csc__referrals__20261031.csv").read_bytes()
    b = (tiny_clean / "out/raw/csc/csc__referrals__20261031.csv").read_bytes()
    assert a != b


def test_ground_truth_links_every_delivered_person(tiny_clean):
    _, links = read_rows(tiny_clean / "out" / "truth" / "person_links.csv")
    linked = {(r["agency"], r["person_id"]) for r in links}
    for agency in contract.AGENCIES:
        for extract in EXTRACTS:
            stamp = extract.strftime("%Y%m%d")
            _, persons = read_rows(
                tiny_clean / "landing" / agency / f"{agency}__persons__{stamp}.csv"
            )
            assert {(agency, p["person_id"]) for p in persons} <= linked
    # the same child appears in several agencies
    by_person: dict[str, set[str]] = {}
    for r in links:
        by_person.setdefault(r["true_person_id"], set()).add(r["agency"])
    assert sum(len(a) >= 3 for a in by_person.values()) >= 20


def test_recording_practice_problems_are_reproduced(tiny_clean):
    """Police hold few NHS numbers and misspell some names (calibration.md, last section)."""
    _, links = read_rows(tiny_clean / "out" / "truth" / "person_links.csv")
    police = [r for r in links if r["agency"] == "police"]
    health = [r for r in links if r["agency"] == "health"]
    share = lambda rows, col: sum(r[col] == "Y" for r in rows) / len(rows)  # noqa: E731
    assert share(police, "nhs_number_held") < 0.3
    assert share(health, "nhs_number_held") > 0.95
    assert 0.01 < share(police, "name_variant") < 0.15
    _, notes = read_rows(tiny_clean / "landing/police/police__child_notifications__20261031.csv")
    voice = [n for n in notes if n["child_present"] == "Y"]
    assert 0.2 < sum(n["voice_of_child_recorded"] == "Y" for n in voice) / len(voice) < 0.5


def test_injected_defects_are_in_the_files_and_in_the_truth(tiny_defects):
    _, defects = read_rows(tiny_defects / "out" / "truth" / "defects.csv")
    kinds = {d["defect"] for d in defects}
    assert {
        "duplicate_id",
        "malformed_value",
        "invalid_code",
        "8925_plan_ends_before_start",
        "8935_8940_overlapping_cp_plans",
        "dangling_person_id",
        "response_before_request",
    } <= kinds
    raw = tiny_defects / "out" / "raw"
    for d in defects:
        if d["defect"] not in ("duplicate_id", "invalid_code"):
            continue
        files = list((raw / d["agency"]).glob(f"{d['agency']}__{d['entity']}__*.csv"))
        key = contract.entity(d["agency"], d["entity"]).primary_key[0]
        counts = []
        for path in files:
            _, rows = read_rows(path)
            if d["extract_date"].replace("-", "") not in path.name:
                continue
            matching = [r for r in rows if r[key] == d["record_id"]]
            counts.append(len(matching))
            if d["defect"] == "invalid_code" and matching:
                assert any("ZZ9" in r.values() for r in matching)
        assert max(counts) >= (2 if d["defect"] == "duplicate_id" else 1), d
    _, deliveries = read_rows(tiny_defects / "out" / "truth" / "deliveries.csv")
    assert any(d["late"] == "Y" for d in deliveries)
    drifted = [d for d in deliveries if d["schema_drift"] == "Y"]
    assert drifted
    for d in drifted:
        stamp = d["extract_date"].replace("-", "")
        problems = delivery_problems(
            tiny_defects / "landing", d["agency"], dt.date.fromisoformat(d["extract_date"])
        )
        assert any("header" in p for p in problems), (d, stamp)


def test_arrival_date_is_the_file_time(tiny_defects):
    _, deliveries = read_rows(tiny_defects / "out" / "truth" / "deliveries.csv")
    for d in deliveries:
        stamp = d["extract_date"].replace("-", "")
        manifest = tiny_defects / "landing" / d["agency"] / f"{d['agency']}__manifest__{stamp}.json"
        arrived = dt.date.fromtimestamp(manifest.stat().st_mtime)
        assert arrived.isoformat() == d["arrival_date"]


@pytest.mark.la
def test_la_profile_is_calibrated_to_england(tmp_path):
    """The representative set of calibration.md within ±20% on the la profile."""
    from neglect_synthetic.generator.calibration import MEASURES, measure
    from tests.conftest import run_cli

    run_cli("generate", "--profile", "la", "--seed", str(SEED), "--out", str(tmp_path / "la"))
    measured = measure(tmp_path / "la", dt.date(2026, 10, 31))
    outside = {
        m.name: round(measured[m.name], 2)
        for m in MEASURES
        if m.asserted and not 0.8 * m.england <= measured[m.name] <= 1.2 * m.england
    }
    assert outside == {}
    _, pop = read_rows(tmp_path / "la" / "reference" / "population.csv")
    children = sum(int(r["population"]) for r in pop if r["mid_year"] == "2026")
    assert 90_000 <= children <= 110_000
