"""An independent check that delivered files follow spec/extracts.md, written from the spec
(not from the generator) and reading columns, types and code lists from the contract."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

from neglect_warehouse.shared import contract

PATTERNS = {
    "id": re.compile(r"^[A-Za-z0-9_-]{1,64}$"),
    "token": re.compile(r"^[0-9a-f]{32}$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "datetime": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"),
    "month": re.compile(r"^\d{4}-\d{2}$"),
    "yn": re.compile(r"^[YN]$"),
    "locality": re.compile(r"^L\d{2}$"),
}


def parse_when(kind: str, value: str) -> dt.date:
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "datetime":
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M").date()
    return dt.date.fromisoformat(value + "-01")


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [dict(zip(header, r, strict=True)) for r in reader]
    return header, rows


def delivery_problems(landing: Path, agency: str, extract: dt.date) -> list[str]:
    """Every way the delivery breaks the contract (empty when it conforms)."""
    problems: list[str] = []
    stamp = extract.strftime("%Y%m%d")
    manifest = json.loads((landing / agency / f"{agency}__manifest__{stamp}.json").read_text())
    if manifest["agency"] != agency or manifest["extract_date"] != extract.isoformat():
        problems.append("manifest agency/date wrong")
    listed = {f["name"]: f for f in manifest["files"]}
    ids: dict[str, set[str]] = {}
    codes = contract.code_lists()
    for entity in contract.entities(agency):
        name = entity.file_name(stamp)
        path = landing / agency / name
        if name not in listed:
            problems.append(f"{name} not in manifest")
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != listed[name]["sha256"]:
            problems.append(f"{name}: sha256 mismatch")
        header, rows = read_rows(path)
        if len(rows) != listed[name]["rows"]:
            problems.append(f"{name}: {len(rows)} rows, manifest says {listed[name]['rows']}")
        if header != entity.column_names:
            problems.append(f"{name}: header {header} != {entity.column_names}")
            continue
        keys = set()
        for line, row in enumerate(rows, start=2):
            key = tuple(row[k] for k in entity.primary_key)
            if key in keys:
                problems.append(f"{name}:{line}: repeated key {key}")
            keys.add(key)
            for col in entity.columns:
                value = row[col.name]
                if value == "":
                    if col.required:
                        problems.append(f"{name}:{line}: {col.name} missing")
                    continue
                pattern = PATTERNS.get(col.type)
                if pattern and not pattern.match(value):
                    problems.append(f"{name}:{line}: {col.name}={value!r} not a {col.type}")
                    continue
                if col.type == "code" and value not in codes[col.codes]:
                    problems.append(f"{name}:{line}: {col.name}={value!r} not in {col.codes}")
                if col.type == "code_list":
                    parts = value.split(";")
                    if any(p not in codes[col.codes] for p in parts):
                        problems.append(f"{name}:{line}: {col.name}={value!r} bad factor")
                if col.type in ("date", "datetime", "month"):
                    when = parse_when(col.type, value)
                    unborn_ok = col.name == "birth_month" and agency in ("csc", "health")
                    if when > extract and not col.future_allowed and not unborn_ok:
                        problems.append(f"{name}:{line}: {col.name}={value} after extract date")
            if entity.name == "persons" and not (row["person_token"] or row["person_alt_token"]):
                problems.append(f"{name}:{line}: neither token")
        ids[entity.name] = {row[entity.primary_key[0]] for row in rows}
        for ref in entity.references:
            missing = {row[ref.column] for row in rows if row[ref.column]} - ids[ref.entity]
            if missing:
                problems.append(f"{name}: {ref.column} not resolving: {sorted(missing)[:3]}")
    return problems
