"""The round trip: a synthetic partnership written into each agency's own system
(``generate --sources``) and extracted back (``neglect-warehouse extract``) gives, file for
file and byte for byte, the landing ``generate --landing`` makes from the same raw extracts
(same tokens, same rows, same manifests), from DuckDB and from PostgreSQL sources."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from neglect_synthetic.sources.round_trip import differences
from neglect_synthetic.sources.write import schema_name
from neglect_warehouse.shared import contract
from tests.sources.fixture_source import POSTGRES_URL

EXTRACT_DATE = dt.date(2026, 10, 31)
KEY = "synthetic-data-demo-key-not-a-secret"


def _cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NEGLECT_WAREHOUSE_KEY": KEY}
    return subprocess.run(
        [sys.executable, "-m", "neglect_warehouse.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
    )


def _source_urls(output: str) -> dict[str, str]:
    """agency -> URL from generate's "source system: <agency> <system> <date> <url>" lines."""
    found = {}
    for line in output.splitlines():
        if line.startswith("source system: "):
            agency, system, _, url = line.removeprefix("source system: ").split(" ")
            found[agency] = (system, url)
    return found


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """``generate --out --landing --sources``: one raw extract, both paths from it."""
    root = tmp_path_factory.mktemp("round_trip")
    done = _cli(
        "generate", "--profile", "tiny", "--out", str(root / "gen"),
        "--landing", str(root / "landing"), "--sources", str(root / "sources"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return root, _source_urls(done.stdout)


def _extract_every_agency(sources: dict, landing, cwd) -> None:
    for agency, (system, url) in sources.items():
        done = _cli(
            "extract", "--agency", agency, "--system", system, "--source", url,
            "--extract-date", EXTRACT_DATE.isoformat(), "--landing", str(landing),
            "--key-id", "synthetic", cwd=cwd,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "delivered:" in done.stdout


def test_duckdb_sources_extract_to_the_same_landing(generated, tmp_path):
    root, sources = generated
    assert sorted(sources) == sorted(contract.AGENCIES)
    assert all(url.startswith("duckdb:///") for _, url in sources.values())
    _extract_every_agency(sources, tmp_path / "landing", tmp_path)
    assert differences(root / "landing", tmp_path / "landing", list(contract.AGENCIES)) == []
    # the reports say what was read
    for agency, (system, _) in sources.items():
        report = json.loads(
            (tmp_path / "extract-reports" / f"{agency}__{system}__20261031.json").read_text()
        )
        assert report["status"] == "delivered" and report["problem_counts"] == {}
        manifest = json.loads((tmp_path / report["manifest"]).read_text())
        assert {f["name"].split("__")[1]: f["rows"] for f in manifest["files"]} == report["rows"]


def test_postgres_sources_extract_to_the_same_landing(generated, tmp_path):
    root, _ = generated
    done = _cli(
        "generate", "--profile", "tiny", "--out", str(tmp_path / "gen"),
        "--sources", POSTGRES_URL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    sources = _source_urls(done.stdout)
    assert all(schema_name(a, EXTRACT_DATE) in url for a, (_, url) in sources.items())
    _extract_every_agency(sources, tmp_path / "landing", tmp_path)
    assert differences(root / "landing", tmp_path / "landing", list(contract.AGENCIES)) == []


def test_the_comparison_sees_a_changed_row(generated, tmp_path):
    """The round trip's check can fail: one changed byte in one file is reported."""
    import shutil

    root, _ = generated
    copy = tmp_path / "landing"
    shutil.copytree(root / "landing", copy)
    target = next((copy / "police").glob("police__flags__*.csv"))
    text = target.read_text()
    target.write_text(text.replace(",CP_PLAN,", ",CIN_PLAN,", 1))
    found = differences(root / "landing", copy, list(contract.AGENCIES))
    assert len(found) == 1 and found[0].startswith("police/police__flags__20261031.csv")
