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
import re
from dataclasses import dataclass
from pathlib import Path

from neglect_warehouse import contract
from neglect_warehouse.ingest.findings import QUARANTINE, Finding, Quarantine

MANIFEST = re.compile(r"^(?P<agency>[a-z]+)__manifest__(?P<stamp>\d{8})\.json$")
DATA_FILE = re.compile(r"^(?P<agency>[a-z]+)__(?P<entity>[a-z0-9_]+?)__(?P<stamp>\d{8})\.csv$")
BOM = codecs.BOM_UTF8
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
    found = []
    for agency in agencies:
        folder = Path(landing) / agency
        if folder.is_dir():
            found.extend(p for p in folder.iterdir() if MANIFEST.match(p.name))
    return sorted(found, key=lambda p: (MANIFEST.match(p.name)["stamp"], p.name))


def read_manifest(path: Path) -> Manifest:
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    arrived = dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
    name = MANIFEST.match(path.name)
    action = "send a manifest as described in extracts.md §1"

    def fail(message):
        raise Quarantine([Finding(QUARANTINE, "manifest", message, action, path.name)])

    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(f"the manifest is not valid JSON ({exc})")
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), list):
        fail("the manifest has no list of files")
    if doc.get("agency") != name["agency"] or doc.get("agency") != path.parent.name:
        fail(
            f"the manifest names agency {doc.get('agency')!r} but is in "
            f"{path.parent.name}/ and named {path.name}"
        )
    try:
        extract = dt.date.fromisoformat(str(doc.get("extract_date")))
    except ValueError:
        fail(f"extract_date {doc.get('extract_date')!r} is not a date like 2026-10-31")
    if extract.strftime("%Y%m%d") != name["stamp"]:
        fail(f"extract_date {extract} does not match the file name's date {name['stamp']}")
    files = {}
    for entry in doc["files"]:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("name"), str)
            and isinstance(entry.get("rows"), int)
            and isinstance(entry.get("sha256"), str)
        ):
            fail(f"a file entry is not {{name, rows, sha256}}: {entry!r}")
        files[entry["name"]] = entry
    return Manifest(
        path,
        doc["agency"],
        extract,
        sha,
        arrived,
        doc.get("key_id"),
        str(doc.get("spec_version")),
        files,
    )


@dataclass(frozen=True)
class FileFacts:
    path: Path
    entity: contract.Entity
    sha256: str
    size: int
    header: list[str]


def missing_files(manifest: Manifest) -> list[str]:
    """Files the manifest lists that have not arrived (the delivery is INCOMPLETE)."""
    return sorted(n for n in manifest.files if not (manifest.path.parent / n).exists())


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
                    f"{path.name} lies in the landing folder but is not listed in the manifest",
                    "send a manifest that lists every file of the delivery",
                    path.name,
                )
            )
    return findings


def fingerprint(
    path: Path, entity: contract.Entity, listed: dict
) -> tuple[FileFacts, list[Finding]]:
    """One pass over the file: sha256, UTF-8 validity and the header row."""
    findings: list[Finding] = []
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    size = 0
    line = 1
    first = b""
    bad_encoding = None
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
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
    name = path.name
    if sha != listed["sha256"]:
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
        return FileFacts(path, entity, sha, size, []), findings
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
        return FileFacts(path, entity, sha, size, []), findings
    text = first.decode("utf-8", errors="ignore")
    if text.startswith("\ufeff"):
        text = text[1:]
    header_line = text.splitlines()[0] if text else ""
    import csv

    header = next(csv.reader([header_line]), [])
    findings.extend(header_findings(header, entity, name))
    return FileFacts(path, entity, sha, size, header), findings


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
                f"missing column(s) {', '.join(missing)}",
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
                f"column(s) {', '.join(identifying)} look like raw "
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
                f"column(s) not in the contract: {', '.join(extra)}",
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
                f"column(s) appear twice: {', '.join(repeated)}",
                action,
                name,
                line=1,
            )
        )
    return findings
