"""Writing one agency delivery into a landing folder (spec/extracts.md §1), the same way for
every agency-side tool (``pseudonymise`` from a raw extract, ``extract`` from the agency's own
system): each entity file is written into a hidden staging folder and hashed, then the files
are moved into place and the manifest last, so the partnership never sees a manifest that
describes files which are not there. Any failure leaves no manifest and no staged files."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from neglect_warehouse.shared import contract
from neglect_warehouse.shared.digest import sha256_of

SPEC_VERSION = "1"


@dataclass(frozen=True)
class FileEntry:
    name: str
    rows: int
    sha256: str


def manifest_name(agency: str, extract_date: dt.date) -> str:
    return f"{agency}__manifest__{extract_date.strftime('%Y%m%d')}.json"


def write_delivery(
    agency: str,
    extract_date: dt.date,
    landing: Path,
    key_id: str,
    write_entity: Callable[[contract.Entity, Path], int],
    before_manifest: Callable[[], None] | None = None,
) -> Path:
    """Write every entity of ``agency`` with ``write_entity(entity, path) -> data rows``, then
    the manifest; returns the manifest's path. ``before_manifest`` may raise to stop the
    delivery after every file was written. Nothing is left in place if anything fails."""
    stamp = extract_date.strftime("%Y%m%d")
    target_dir = Path(landing) / agency
    target_dir.mkdir(parents=True, exist_ok=True)
    staging = target_dir / f".staging-{stamp}-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    entries: list[FileEntry] = []
    name = manifest_name(agency, extract_date)
    try:
        for entity in contract.entities(agency):
            file_name = entity.file_name(stamp)
            rows = write_entity(entity, staging / file_name)
            entries.append(FileEntry(file_name, rows, sha256_of(staging / file_name)))
        if before_manifest is not None:
            before_manifest()
        manifest = {
            "agency": agency,
            "extract_date": extract_date.isoformat(),
            "spec_version": SPEC_VERSION,
            "key_id": key_id,
            "files": [e.__dict__ for e in entries],
        }
        (staging / name).write_text(json.dumps(manifest, indent=2) + "\n")
        for e in entries:
            os.replace(staging / e.name, target_dir / e.name)
        os.replace(staging / name, target_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target_dir / name
