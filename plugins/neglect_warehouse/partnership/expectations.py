"""Great Expectations suites derived from the data contract: one JSON file per agency entity
in ``expectations/``, reviewed like code. ``neglect-warehouse contract sync`` writes them; a
test fails if the committed files and the contract ever disagree.

What the suites hold is what the data quality report needs beyond the row checks of ingest:
the exact column set, completeness of required columns, validity of coded columns (a code
outside its list is loaded and reported, extracts.md §3a) and uniqueness of record ids.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from neglect_warehouse.partnership.paths import EXPECTATIONS
from neglect_warehouse.shared import contract

GX_VERSION = "1.24.1"


def suite_name(entity: contract.Entity) -> str:
    return f"{entity.agency}.{entity.name}"


def suite_for(entity: contract.Entity) -> dict:
    codes = contract.code_lists()
    source = f"contract/{entity.agency}/{entity.name}.yml"
    expectations = [
        {
            "type": "expect_table_columns_to_match_set",
            "kwargs": {"column_set": entity.column_names, "exact_match": True},
            "meta": {"dimension": "conformity", "source": source},
        }
    ]
    for c in entity.columns:
        if c.required:
            expectations.append(
                {
                    "type": "expect_column_values_to_not_be_null",
                    "kwargs": {"column": c.name},
                    "meta": {"dimension": "completeness", "source": source},
                }
            )
        if c.type == "code":
            assert c.codes is not None, f"code column {c.name} names no code list"
            expectations.append(
                {
                    "type": "expect_column_values_to_be_in_set",
                    "kwargs": {"column": c.name, "value_set": list(codes[c.codes])},
                    "meta": {"dimension": "validity", "code_list": c.codes, "source": source},
                }
            )
        if c.type == "code_list":
            assert c.codes is not None, f"code_list column {c.name} names no code list"
            one = "|".join(re.escape(v) for v in codes[c.codes])
            expectations.append(
                {
                    "type": "expect_column_values_to_match_regex",
                    "kwargs": {"column": c.name, "regex": f"^(?:{one})(?:;(?:{one}))*$"},
                    "meta": {"dimension": "validity", "code_list": c.codes, "source": source},
                }
            )
    if len(entity.primary_key) == 1:
        expectations.append(
            {
                "type": "expect_column_values_to_be_unique",
                "kwargs": {"column": entity.primary_key[0]},
                "meta": {"dimension": "uniqueness", "source": source},
            }
        )
    else:
        expectations.append(
            {
                "type": "expect_compound_columns_to_be_unique",
                "kwargs": {"column_list": list(entity.primary_key)},
                "meta": {"dimension": "uniqueness", "source": source},
            }
        )
    for e in expectations:
        e["severity"] = "critical"
    return {
        "name": suite_name(entity),
        "id": None,
        "expectations": expectations,
        "meta": {
            "great_expectations_version": GX_VERSION,
            "generated_from": source + " (neglect-warehouse contract sync)",
        },
        "notes": None,
    }


def suites_dir() -> Path:
    return EXPECTATIONS


def suite_path(entity: contract.Entity, folder: Path | None = None) -> Path:
    return (folder or suites_dir()) / f"{suite_name(entity)}.json"


def render(entity: contract.Entity) -> str:
    return json.dumps(suite_for(entity), indent=2) + "\n"


def write_all(folder: Path | None = None) -> list[Path]:
    written = []
    for agency in contract.AGENCIES:
        for entity in contract.entities(agency):
            path = suite_path(entity, folder)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(entity))
            written.append(path)
    return written


def load_suite(entity: contract.Entity) -> dict:
    return json.loads(suite_path(entity).read_text())
