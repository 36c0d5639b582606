"""A landing folder rewritten as a partnership whose case-management systems number their
records with short codes: every record id becomes its letters and a small number (A13, S47,
CP7, …), the same in every file and delivery of an agency, and each manifest is made again
(rows, sha256). Tokens, dates and codes are untouched."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

from neglect_warehouse.shared import contract

LETTERS = re.compile(r"^[A-Za-z]*")


def shorten_ids(landing: Path) -> dict[str, dict[str, str]]:
    """Rewrites ``landing`` in place; returns agency → original id → short id."""
    mappings: dict[str, dict[str, str]] = {}
    for agency in contract.AGENCIES:
        folder = landing / agency
        if not folder.is_dir():
            continue
        mapping: dict[str, str] = {}
        counters: dict[str, int] = {}

        def short(value: str, mapping=mapping, counters=counters) -> str:
            if value not in mapping:
                prefix = LETTERS.match(value).group(0) or "N"
                counters[prefix] = counters.get(prefix, 0) + 1
                mapping[value] = f"{prefix}{counters[prefix]}"
            return mapping[value]

        for manifest_path in sorted(folder.glob(f"{agency}__manifest__*.json")):
            manifest = json.loads(manifest_path.read_text())
            for entry in manifest["files"]:
                path = folder / entry["name"]
                entity = contract.entity(agency, entry["name"].split("__")[1])
                ids = {c.name for c in entity.columns if c.type == "id"}
                with open(path, newline="", encoding="utf-8") as f:
                    reader = csv.DictReader(f)
                    rows = list(reader)
                    header = list(reader.fieldnames or [])
                out = io.StringIO()
                writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
                writer.writeheader()
                for row in rows:
                    writer.writerow({k: short(v) if k in ids and v else v for k, v in row.items()})
                data = out.getvalue().encode("utf-8")
                path.write_bytes(data)
                entry["rows"] = len(rows)
                entry["sha256"] = hashlib.sha256(data).hexdigest()
            manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
        mappings[agency] = mapping
    return mappings
