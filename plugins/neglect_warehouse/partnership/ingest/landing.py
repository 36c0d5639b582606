"""Finding deliveries in the landing folder and checking them against their manifests.

A delivery is ``<landing>/<agency>/<agency>__manifest__<YYYYMMDD>.json`` plus the files it
lists. Its identity is the sha256 of the manifest: a byte-identical re-delivery has the same
id (DUPLICATE); a corrected one has a new manifest and so a new id.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from neglect_warehouse.partnership.ingest.files import (
    MAX_MANIFEST_BYTES,
    Opened,
    Refused,
    escaped,
    open_in,
    shown,
    status_in,
)
from neglect_warehouse.partnership.ingest.findings import QUARANTINE, Finding, Quarantine
from neglect_warehouse.shared import contract

MANIFEST = re.compile(r"^(?P<agency>[a-z]+)__manifest__(?P<stamp>\d{8})\.json$")
DATA_FILE = re.compile(r"^(?P<agency>[a-z]+)__(?P<entity>[a-z0-9_]+?)__(?P<stamp>\d{8})\.csv$")
BOM = codecs.BOM_UTF8
COLUMN_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")  # what a header name is quoted as
MAX_MANIFEST_DEPTH = 8  # {"files": [{"name": …}]} is three deep
FUTURE_DAYS_ENV = "NEGLECT_WAREHOUSE_FUTURE_DAYS"
DEFAULT_FUTURE_DAYS = 3  # an extract date at most this many days after today is tolerated
IDENTIFYING_COLUMN = re.compile(
    r"name|surname|forename|birth_?date|date_?of_?birth|dob|nhs|address|postcode|uprn", re.I
)


@dataclass(frozen=True)
class Manifest:
    path: Path
    agency: str
    extract_date: dt.date
    sha256: str
    arrived_at: dt.datetime
    key_id: str | None
    spec_version: str | None
    files: dict[str, dict]  # file name -> {"rows": int, "sha256": str}

    @property
    def delivery_id(self) -> str:
        return self.sha256[:16]

    @property
    def stamp(self) -> str:
        return self.extract_date.strftime("%Y%m%d")


def find_manifests(landing: Path, agencies=contract.AGENCIES) -> list[Path]:
    """Manifests in the landing folder, oldest extract first (hidden staging folders skipped)."""
    found: list[Path] = []
    for agency in agencies:
        folder = Path(landing) / agency
        if folder.is_dir():
            found.extend(p for p in folder.iterdir() if MANIFEST.match(p.name))
    return sorted(found, key=_manifest_order)


def _manifest_order(path: Path) -> tuple[str, str]:
    """A manifest's sort key: its name's date, then its name."""
    name = MANIFEST.match(path.name)
    assert name is not None  # find_manifests keeps manifest names only
    return name["stamp"], path.name


def stamp_date(stamp: str) -> dt.date | None:
    """A file name's YYYYMMDD as a date, or None when it is no date (20260230)."""
    try:
        return dt.datetime.strptime(stamp, "%Y%m%d").date()
    except ValueError:
        return None


def future_days() -> int:
    return int(os.environ.get(FUTURE_DAYS_ENV) or DEFAULT_FUTURE_DAYS)


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text (strings skipped), without parsing
    it: a manifest is refused before ``json.loads`` could recurse on it."""
    depth = deepest = 0
    in_string = after_backslash = False
    for ch in text:
        if in_string:
            if after_backslash:
                after_backslash = False
            elif ch == "\\":
                after_backslash = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def unreadable_manifest_identity(path: Path) -> tuple[str, dt.datetime]:
    """The sha256 and arrival that name a manifest :func:`read_manifest` refused: the sha256
    of its bytes when it is a regular file (else of its name and status, never of what a link
    points at)."""
    status = status_in(path.parent, path.name)
    arrived = dt.datetime.fromtimestamp(status.st_mtime if status else 0).replace(microsecond=0)
    try:
        with open_in(path.parent, path.name, MAX_MANIFEST_BYTES) as opened:
            sha = hashlib.sha256(opened.read(MAX_MANIFEST_BYTES)).hexdigest()
    except (Refused, OSError):
        what = f"{path.name}|{status.st_mode if status else 0}|{status.st_size if status else 0}"
        sha = hashlib.sha256(f"{what}|{arrived.isoformat()}".encode()).hexdigest()
    return sha, arrived


def read_manifest(path: Path) -> Manifest:
    """The manifest at ``path``, checked: a regular file of at most 1 MiB, JSON nested at most
    a few levels, the agency and date of its name and folder, a real extract date that is not
    after its arrival (nor more than a few days after today), and a list of files each named
    as a file of this delivery — a plain ``<agency>__<entity>__<YYYYMMDD>.csv`` in the agency's
    folder, never a path. Raises Quarantine with the reason otherwise."""
    action = "send a manifest as described in extracts.md §1"

    def fail(message):
        raise Quarantine([Finding(QUARANTINE, "manifest", message, action, path.name)])

    name = MANIFEST.match(path.name)
    assert name is not None  # a path from find_manifests: named as a manifest
    try:
        with open_in(path.parent, path.name, MAX_MANIFEST_BYTES) as opened:
            data = opened.read(MAX_MANIFEST_BYTES)
            mtime = opened.mtime
    except Refused as exc:
        fail(f"the manifest {exc.reason}")
    sha = hashlib.sha256(data).hexdigest()
    arrived = dt.datetime.fromtimestamp(mtime).replace(microsecond=0)
    stamp = stamp_date(name["stamp"])
    if stamp is None:
        fail(f"the file name's date {name['stamp']} is not a date")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(f"the manifest is not UTF-8 ({exc.reason} at byte {exc.start})")
    if json_depth(text) > MAX_MANIFEST_DEPTH:
        fail(f"the manifest nests more than {MAX_MANIFEST_DEPTH} levels deep")
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        fail(f"the manifest is not valid JSON ({shown(str(exc), 80)})")
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), list):
        fail("the manifest has no list of files")
    if doc.get("agency") != name["agency"] or doc.get("agency") != path.parent.name:
        fail(
            f"the manifest names agency {shown(doc.get('agency'))} but is in "
            f"{path.parent.name}/ and named {path.name}"
        )
    try:
        extract = dt.date.fromisoformat(str(doc.get("extract_date")))
    except ValueError:
        fail(f"extract_date {shown(doc.get('extract_date'))} is not a date like 2026-10-31")
    if extract != stamp:
        fail(f"extract_date {extract} does not match the file name's date {name['stamp']}")
    if extract > arrived.date():
        fail(f"extract_date {extract} is after the delivery arrived ({arrived:%Y-%m-%d %H:%M})")
    if extract > dt.date.today() + dt.timedelta(days=future_days()):
        fail(f"extract_date {extract} is in the future")
    form = re.compile(rf"^{re.escape(name['agency'])}__[a-z0-9_]+__{name['stamp']}\.csv$")
    files = {}
    for entry in doc["files"]:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("name"), str)
            and isinstance(entry.get("rows"), int)
            and isinstance(entry.get("sha256"), str)
        ):
            fail(f"a file entry is not {{name, rows, sha256}}: {shown(repr(entry), 80)}")
        if not form.match(entry["name"]):
            fail(
                f"the manifest lists {shown(entry['name'])}, which is not a file of this "
                f"delivery: a plain name {name['agency']}__<entity>__{name['stamp']}.csv in "
                f"{name['agency']}/, never a path or another agency's or date's file"
            )
        files[entry["name"]] = entry
    return Manifest(
        path,
        doc["agency"],
        extract,
        sha,
        arrived,
        doc.get("key_id") if isinstance(doc.get("key_id"), str) else None,
        str(doc.get("spec_version"))[:20],
        files,
    )


@dataclass
class FileFacts:
    """A delivered file as opened for the whole of its ingest (``opened``: read it through
    ``opened.proc_path``, never by its path again; ``close`` when done)."""

    path: Path
    entity: contract.Entity
    sha256: str
    size: int
    header: list[str]
    opened: Opened | None = None

    def close(self) -> None:
        if self.opened is not None:
            self.opened.close()


def missing_files(manifest: Manifest) -> list[str]:
    """Files the manifest lists that have not arrived (the delivery is INCOMPLETE). Names are
    plain names of this delivery (``read_manifest``), so only the agency's folder is looked
    at, and a link counts as arrived (it is refused when opened, never followed)."""
    folder = manifest.path.parent
    return sorted(n for n in manifest.files if status_in(folder, n) is None)


def check_completeness(manifest: Manifest) -> list[Finding]:
    """The manifest must list exactly one file per entity of the agency, and nothing else of
    this agency and date may lie beside it."""
    findings = []
    stamp = manifest.stamp
    expected = {e.file_name(stamp): e for e in contract.entities(manifest.agency)}
    for name in sorted(set(expected) - set(manifest.files)):
        findings.append(
            Finding(
                QUARANTINE,
                "manifest_missing_entity",
                f"the manifest does not list {name}: every entity of {manifest.agency} must be "
                "delivered",
                "add the file and list it in the manifest",
                manifest.path.name,
            )
        )
    for name in sorted(set(manifest.files) - set(expected)):
        findings.append(
            Finding(
                QUARANTINE,
                "manifest_unknown_file",
                f"the manifest lists {name}, which is not an "
                f"entity of {manifest.agency} in extracts.md §4",
                "remove it from the delivery and the manifest",
                manifest.path.name,
            )
        )
    for path in sorted(manifest.path.parent.glob(f"{manifest.agency}__*__{stamp}.csv")):
        if path.name not in manifest.files:
            findings.append(
                Finding(
                    QUARANTINE,
                    "file_not_in_manifest",
                    f"{shown(path.name)} lies in the landing folder but is not listed in the "
                    "manifest",
                    "send a manifest that lists every file of the delivery",
                    escaped(path.name, 200),
                )
            )
    return findings


def fingerprint(
    path: Path, entity: contract.Entity, listed: dict | None
) -> tuple[FileFacts, list[Finding]]:
    """Open the file (a regular file of the agency's folder, never a link: ingest/files.py)
    and make one pass over it: sha256, UTF-8 validity and the header row. The file stays open
    in the returned facts, so what is read later is what was hashed here. ``listed``: the
    manifest's entry (its sha256 must match), None for a file without a manifest."""
    findings: list[Finding] = []
    name = path.name
    try:
        opened = open_in(path.parent, name)
    except (Refused, FileNotFoundError) as exc:
        reason = exc.reason if isinstance(exc, Refused) else "is not there"
        findings.append(
            Finding(
                QUARANTINE,
                "not_a_regular_file",
                f"{name} {reason}; only regular files are read",
                "deliver the file itself into the agency's folder",
                name,
            )
        )
        return FileFacts(path, entity, "", 0, []), findings
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    size = 0
    line = 1
    first = b""
    bad_encoding = None
    for block in opened.blocks():
        digest.update(block)
        if len(first) < 65536:
            first += block[: 65536 - len(first)]
        if bad_encoding is None:
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                at = exc.start
                bad_encoding = (line + block[:at].count(b"\n"), block[at : at + 1].hex())
            line += block.count(b"\n")
        size += len(block)
    if bad_encoding is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            bad_encoding = (line, "end")
    sha = digest.hexdigest()
    facts = FileFacts(path, entity, sha, size, [], opened)
    if listed is not None and sha != listed["sha256"]:
        findings.append(
            Finding(
                QUARANTINE,
                "sha256_mismatch",
                "the file's sha256 differs from the manifest's "
                "(truncated, altered or re-exported after the manifest was written)",
                "re-send the file with a manifest written from it",
                name,
            )
        )
    if bad_encoding is not None:
        findings.append(
            Finding(
                QUARANTINE,
                "encoding",
                f"the file is not UTF-8 (byte 0x{bad_encoding[1]} cannot be decoded)",
                "export the file as UTF-8",
                name,
                line=bad_encoding[0],
            )
        )
        return facts, findings
    if size == 0:
        findings.append(
            Finding(
                QUARANTINE,
                "empty_file",
                "the file is empty (not even a header row)",
                "export the file with its header row",
                name,
            )
        )
        return facts, findings
    text = first.decode("utf-8", errors="ignore")
    if text.startswith("\ufeff"):
        text = text[1:]
    header_line = text.splitlines()[0] if text else ""
    import csv

    facts.header = next(csv.reader([header_line]), [])
    findings.extend(header_findings(facts.header, entity, name))
    return facts, findings


def columns_shown(names: list[str]) -> str:
    """Header names for a report: those that look like column names, escaped; the rest only
    counted (a file that is not a delivery file is never quoted)."""
    named = [shown(n, 64) for n in names if COLUMN_NAME.match(n)]
    other = len(names) - len(named)
    text = ", ".join(named[:20]) + (f" and {len(named) - 20} more" if len(named) > 20 else "")
    if other:
        text += (", and " if named else "") + f"{other} that are not column names (not shown)"
    return text


def header_findings(header: list[str], entity: contract.Entity, name: str) -> list[Finding]:
    expected = entity.column_names
    if len(header) == 1 and any(d in header[0] for d in (";", "\t", "|")):
        delim = next(d for d in (";", "\t", "|") if d in header[0])
        return [
            Finding(
                QUARANTINE,
                "delimiter",
                f"the header is delimited by {delim!r}, not by commas",
                "export the file comma-delimited (extracts.md §2)",
                name,
                line=1,
            )
        ]
    findings = []
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    repeated = sorted({c for c in header if header.count(c) > 1})
    action = (
        "send exactly the columns of extracts.md §4 (any order); a renamed, missing or "
        "extra column quarantines the file"
    )
    if missing:
        findings.append(
            Finding(
                QUARANTINE,
                "schema_drift_missing_column",
                f"missing column(s) {', '.join(missing)}",  # the contract's own names
                action,
                name,
                line=1,
            )
        )
    identifying = [c for c in extra if IDENTIFYING_COLUMN.search(c)]
    if identifying:
        findings.append(
            Finding(
                QUARANTINE,
                "identifier_breach",
                f"column(s) {columns_shown(identifying)} look like raw "
                "identifiers (names, dates of birth, NHS numbers, addresses must never leave the "
                "agency)",
                "run the pseudonymisation tool on the raw extract and re-send; report "
                "the breach to your information governance lead",
                name,
                line=1,
            )
        )
    if extra:
        findings.append(
            Finding(
                QUARANTINE,
                "schema_drift_extra_column",
                f"column(s) not in the contract: {columns_shown(extra)}",
                action,
                name,
                line=1,
            )
        )
    if repeated:
        findings.append(
            Finding(
                QUARANTINE,
                "schema_drift_repeated_column",
                f"column(s) appear twice: {columns_shown(repeated)}",
                action,
                name,
                line=1,
            )
        )
    return findings
