"""Which deliveries in an agency's landing folder have arrived whole and are new: the question
the arrival sensor asks before it starts an ingest (docs/transfer.md).

A delivery is *ready* when its manifest is in ``<landing>/<agency>/`` and every file it lists
is there with the sha256 the manifest gives, and the warehouse has not already settled that
manifest (same id, same arrival). A manifest that cannot be read is ready too: the ingest
quarantines it with the reason. Everything else is *waiting*: a manifest whose files are
missing or do not match it yet (an upload in progress, or a client that sent the manifest
first), or data files with no manifest. Names starting with ``.`` (an uploader's staging
names) are not looked at. A waiting delivery becomes *overdue* once its newest piece is older
than the grace period; the sensor then reports it instead of waiting on for ever.

Pure file-system work, no Airflow: the trigger runs :func:`scan` in a thread.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from neglect_warehouse.partnership.ingest import landing as L
from neglect_warehouse.partnership.ingest.findings import Quarantine
from neglect_warehouse.shared.digest import sha256_of


@dataclass(frozen=True)
class Waiting:
    """A delivery that is not complete yet."""

    stamp: str  # the extract date in file names, YYYYMMDD
    reason: str
    newest: float  # when its newest piece arrived (seconds since the epoch)
    manifest: str | None = None  # its manifest's path, when there is one

    def overdue(self, grace_seconds: float, now: float) -> bool:
        return now - self.newest >= grace_seconds


@dataclass
class Scan:
    ready: list[str] = field(default_factory=list)  # manifest paths, oldest extract first
    waiting: list[Waiting] = field(default_factory=list)


class HashCache:
    """sha256 of files by (path, size, modification time), so a folder polled every minute
    hashes each file once."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, int, int], str] = {}

    def sha256(self, path: Path, st: os.stat_result) -> str:
        key = (str(path), st.st_size, st.st_mtime_ns)
        if key not in self._known:
            self._known[key] = sha256_of(path)
        return self._known[key]


def settled_key(delivery_id: str, arrived_at: dt.datetime) -> str:
    """How an arrival of a delivery the warehouse has settled is named between the warehouse
    and the scan (an unreadable manifest is named by its delivery id alone)."""
    return f"{delivery_id}@{arrived_at.isoformat()}"


def scan(landing: Path, agency: str, settled: set[str], cache: HashCache | None = None) -> Scan:
    """The agency's deliveries in ``landing`` that are ready for ingest, and those waiting."""
    cache = cache or HashCache()
    folder = Path(landing) / agency
    found = Scan()
    if not folder.is_dir():
        return found
    entries = {e.name: e for e in os.scandir(folder) if not e.name.startswith(".")}
    with_manifest: set[str] = set()
    for path in L.find_manifests(landing, (agency,)):
        stamp = L.MANIFEST.match(path.name)["stamp"]  # type: ignore[index]
        with_manifest.add(stamp)
        try:
            m = L.read_manifest(path)
        except Quarantine:
            if not _settled_unreadable(path, settled):
                found.ready.append(str(path))
            continue
        if settled_key(m.delivery_id, m.arrived_at) in settled:
            continue
        problems, newest = [], entries[path.name].stat().st_mtime
        for name, entry in m.files.items():
            present = entries.get(name)
            if present is None or not present.is_file(follow_symlinks=False):
                problems.append(f"{name} has not arrived")
                continue
            st = present.stat()
            newest = max(newest, st.st_mtime)
            if cache.sha256(Path(present.path), st) != entry["sha256"]:
                problems.append(f"{name} does not match its manifest (sha256)")
        if problems:
            reason = f"the manifest is here but {'; '.join(problems)}"
            found.waiting.append(Waiting(m.stamp, reason, newest, str(path)))
        else:
            found.ready.append(str(path))
    orphans: dict[str, list[float]] = {}
    for name, dir_entry in entries.items():
        data = L.DATA_FILE.match(name)
        if data and data["agency"] == agency and data["stamp"] not in with_manifest:
            orphans.setdefault(data["stamp"], []).append(dir_entry.stat().st_mtime)
    for stamp, times in sorted(orphans.items()):
        reason = f"{len(times)} file(s) for {stamp} are here but no manifest"
        found.waiting.append(Waiting(stamp, reason, max(times)))
    return found


def _settled_unreadable(path: Path, settled: set[str]) -> bool:
    """Whether the ingest has already recorded this unreadable manifest (it is recorded once,
    by the id the ingest gives it, whatever its arrival)."""
    sha, _ = L.unreadable_manifest_identity(path)
    return sha[:16] in settled
