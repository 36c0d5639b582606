"""dbt source definitions derived from the data contract: one
``dbt_project/models/staging/<agency>/_<agency>__sources.yml`` per agency, describing the raw
tables ingest writes (every contract column, plus the load metadata). Written by
``neglect-warehouse contract sync``; a test fails if they and the contract disagree."""

from __future__ import annotations

from pathlib import Path

import yaml

from neglect_warehouse import contract

ROOT = Path(__file__).resolve().parents[2]

TYPE_TEXT = {
    "id": "record identifier (agency-local)",
    "token": "pseudonymisation token (32 hex)",
    "date": "date, YYYY-MM-DD",
    "datetime": "date-time, YYYY-MM-DDTHH:MM (UK local time)",
    "month": "month, YYYY-MM",
    "yn": "Y or N",
    "code": "code",
    "code_list": "';'-separated codes",
    "locality": "locality code",
    "text": "text",
    "integer": "whole number",
    "year": "year, YYYY",
}


def sources_for(agency: str) -> dict:
    tables = []
    for e in contract.entities(agency):
        columns = [
            {
                "name": "_delivery_id",
                "description": "the delivery this row came in (raw.deliveries.delivery_id)",
            },
            {"name": "_line", "description": "line of the delivered file the row started on"},
        ]
        for c in e.columns:
            text = TYPE_TEXT[c.type] + (f" ({c.codes})" if c.codes else "")
            columns.append(
                {
                    "name": c.name,
                    "description": ("required; " if c.required else "")
                    + text
                    + ", as delivered (text)",
                }
            )
        tables.append(
            {
                "name": e.name,
                "identifier": f"{agency}__{e.name}",
                "description": f"{agency} {e.name}, every loaded delivery (see "
                f"raw.current_deliveries for the current one); contract "
                f"contract/{agency}/{e.name}.yml",
                "columns": columns,
            }
        )
    return {
        "version": 2,
        "sources": [
            {
                "name": agency,
                "schema": "raw",
                "description": f"The raw layer of {agency}'s deliveries: as delivered, plus load "
                "metadata (one table per entity; read with source('"
                f"{agency}', '<entity>')).",
                "loaded_at_field": None,
                "tables": tables,
            }
        ],
    }


def path_for(agency: str) -> Path:
    return ROOT / "dbt_project" / "models" / "staging" / agency / f"_{agency}__sources.yml"


def render(agency: str) -> str:
    doc = sources_for(agency)
    del doc["sources"][0]["loaded_at_field"]
    header = (
        "# Generated from plugins/neglect_warehouse/contract by "
        "`neglect-warehouse contract sync`; do not edit by hand.\n"
    )
    return header + yaml.safe_dump(doc, sort_keys=False, width=100)


def write_all() -> list[Path]:
    written = []
    for agency in contract.AGENCIES:
        path = path_for(agency)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(agency))
        written.append(path)
    return written
