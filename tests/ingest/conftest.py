"""A clean synthetic partnership (two monthly deliveries) and a warehouse already holding the
first one; each test copies both, breaks the second delivery in one way and ingests it."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from neglect_warehouse.partnership.ingest.pipeline import Options, process_manifest
from neglect_warehouse.partnership.warehouse import Target, Warehouse, raw_table
from tests.conftest import generate

FIRST, SECOND = "20260930", "20261031"
# Bytes of files outside the landing folder that a hostile delivery may point at: none of them
# may reach the quarantine folder, a report or the warehouse.
OUTSIDE_MARKERS = ("OUTSIDE-THE-LANDING-7f3a9c", "root:x:0:0")


@pytest.fixture(scope="session")
def clean_partnership(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("ingest-base"), "--deliveries", "2", "--clean")


@pytest.fixture(scope="session")
def base_warehouse(clean_partnership, tmp_path_factory) -> Path:
    """A DuckDB warehouse holding every agency's first delivery."""
    folder = tmp_path_factory.mktemp("ingest-wh")
    target = Target.parse(folder / "warehouse.duckdb")
    for agency in ("csc", "police", "health", "probation"):
        manifest = clean_partnership / "landing" / agency / f"{agency}__manifest__{FIRST}.json"
        outcome = process_manifest(manifest, target, Options(folder / "quarantine"))
        assert outcome.state == "LOADED", outcome.summary()
    return folder / "warehouse.duckdb"


@dataclass
class Case:
    landing: Path
    target: Target
    quarantine: Path
    secret: Path  # a file beside the landing folder, never to be read

    def outside_bytes_found(self) -> list[str]:
        """Where any marker of a file outside the landing folder shows up: a file under the
        quarantine folder, or any text in the warehouse's raw layer."""
        found = []
        for path in self.quarantine.rglob("*") if self.quarantine.exists() else ():
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                found += [f"{path}: {m}" for m in OUTSIDE_MARKERS if m.encode() in data]
        with Warehouse(self.target) as wh:
            for (table,) in wh.query(
                "select table_name from information_schema.tables where table_schema = 'raw'"
            ):
                for marker in OUTSIDE_MARKERS:
                    hits = wh.query(
                        f"select count(*) from raw.{table} as t where contains(t::varchar, ?)",
                        [marker],
                    )[0][0]
                    if hits:
                        found.append(f"raw.{table}: {marker}")
        return found

    def path(self, agency: str, entity: str, stamp: str = SECOND) -> Path:
        return self.landing / agency / f"{agency}__{entity}__{stamp}.csv"

    def manifest(self, agency: str, stamp: str = SECOND) -> Path:
        return self.landing / agency / f"{agency}__manifest__{stamp}.json"

    def read(self, agency: str, entity: str) -> list[list[str]]:
        with open(self.path(agency, entity), encoding="utf-8", newline="") as f:
            return list(csv.reader(f))

    def write(self, agency: str, entity: str, rows: list[list[str]], refresh=True) -> None:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        self.write_text(agency, entity, out.getvalue(), refresh)

    def write_text(self, agency, entity, text: str | bytes, refresh=True, rows=None) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        self.path(agency, entity).write_bytes(data)
        if refresh:
            self.refresh(agency, entity, rows)

    def refresh(self, agency: str, entity: str, rows: int | None = None) -> None:
        """Rewrite the manifest entry from the file, as the agency's tool would."""
        path = self.path(agency, entity)
        manifest = json.loads(self.manifest(agency).read_text())
        for entry in manifest["files"]:
            if entry["name"] == path.name:
                entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
                if rows is None:
                    with open(path, encoding="utf-8", errors="replace", newline="") as f:
                        rows = max(sum(1 for _ in csv.reader(f)) - 1, 0)
                entry["rows"] = rows
        self.manifest(agency).write_text(json.dumps(manifest, indent=2))

    def ingest(self, agency: str, stamp: str = SECOND):
        return process_manifest(self.manifest(agency, stamp), self.target, Options(self.quarantine))

    def raw_fingerprint(self) -> dict[str, tuple]:
        from neglect_warehouse.shared import contract

        with Warehouse(self.target) as wh:
            out = {}
            for agency in contract.AGENCIES:
                for e in contract.entities(agency):
                    t = raw_table(agency, e.name)
                    out[t] = tuple(
                        wh.query(
                            f"select count(*), count(distinct _delivery_id), "
                            f"sum(hash(_line)) from {t}"
                        )[0]
                    )
            return out


@pytest.fixture
def case(clean_partnership, base_warehouse, tmp_path) -> Case:
    landing = tmp_path / "landing"
    shutil.copytree(clean_partnership / "landing", landing)
    for agency in ("csc", "police", "health", "probation"):  # only the second delivery waits
        for p in (landing / agency).glob(f"*__{FIRST}.*"):
            p.unlink()
    shutil.copy(base_warehouse, tmp_path / "warehouse.duckdb")
    secret = tmp_path / "secret.txt"
    secret.write_text(f"{OUTSIDE_MARKERS[0]}\nnot for the warehouse\n")
    return Case(
        landing, Target.parse(tmp_path / "warehouse.duckdb"), tmp_path / "quarantine", secret
    )
