"""Turning generated raw extracts into deliveries in a landing folder, as the agencies would:
pseudonymise, write the manifest, and stamp the files with the arrival time. Deliveries
chosen for schema drift get a renamed column after pseudonymisation (a misconfigured export),
with a manifest that still matches the files."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from neglect_warehouse.agency.delivery import sha256_of
from neglect_warehouse.agency.pseudonymise import pseudonymise_delivery


def _drift(manifest_path: Path) -> None:
    manifest = json.loads(manifest_path.read_text())
    entry = manifest["files"][1]
    path = manifest_path.parent / entry["name"]
    with open(path, encoding="utf-8") as f:
        header, rest = f.readline(), f.read()
    columns = header.rstrip("\n").split(",")
    columns[1] = columns[1].replace("_", "")  # e.g. person_id -> personid
    path.write_text(",".join(columns) + "\n" + rest, encoding="utf-8")
    entry["sha256"] = sha256_of(path)
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")


def copy_reference(out_dir: Path, landing: Path) -> None:
    """The partnership's own reference files, into ``<landing>/reference/``."""
    ref = Path(landing) / "reference"
    ref.mkdir(parents=True, exist_ok=True)
    for name in ("localities.csv", "population.csv"):
        (ref / name).write_bytes((Path(out_dir) / "reference" / name).read_bytes())


def stamp_arrival(manifest: Path, arrival_date: dt.date) -> None:
    """Give a delivery's files and manifest the time it arrived (09:00 on its arrival date):
    ingest reads a delivery's arrival from its manifest's file time."""
    arrival = dt.datetime.combine(arrival_date, dt.time(9, 0)).timestamp()
    for entry in json.loads(manifest.read_text())["files"]:
        os.utime(manifest.parent / entry["name"], (arrival, arrival))
    os.utime(manifest, (arrival, arrival))


def deliver_all(result, landing: Path, key: bytes, key_id: str, progress=None) -> list[Path]:
    landing = Path(landing)
    copy_reference(result.out_dir, landing)
    manifests = []
    for i, d in enumerate(result.deliveries):
        manifest = pseudonymise_delivery(
            result.raw_dir(), d.agency, d.extract_date, landing, key, key_id
        )
        if d.schema_drift:
            _drift(manifest)
        stamp_arrival(manifest, d.arrival_date)
        manifests.append(manifest)
        if progress:
            progress("pseudonymising deliveries", i + 1, len(result.deliveries))
    return manifests
