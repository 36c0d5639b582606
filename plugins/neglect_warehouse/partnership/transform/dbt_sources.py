"""dbt code derived from the data contract, written by ``neglect-warehouse contract sync`` and
checked by a test so that it can never drift from the contract:

- ``dbt_project/models/staging/<agency>/_<agency>__sources.yml``: the raw tables ingest writes;
- ``dbt_project/models/staging/<agency>/stg_<agency>__<entity>.sql``: one staging view per
  entity — the agency's *current* delivery (raw.current_deliveries), columns cast to their
  contract types (dates, timestamps, month starts, Y/N as booleans), lineage kept
  (``delivery_id``, ``source_line``);
- ``…/_<agency>__models.yml``: the staging models' documentation and primary-key tests;
- ``dbt_project/seeds/bank_holidays.csv``: England and Wales bank holidays from the maintained
  ``holidays`` library;
- ``dbt_project/seeds/poisson_exact_limits.csv``: exact Poisson limits for counts below 10.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

from neglect_warehouse.partnership.paths import DBT_PROJECT
from neglect_warehouse.partnership.transform.statistics import poisson_exact_limits_csv
from neglect_warehouse.shared import contract

DBT = DBT_PROJECT
HEADER = (
    "Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract "
    "sync`; do not edit by hand."
)
HOLIDAY_YEARS = range(2010, 2036)

TYPE_TEXT = {
    "id": "record identifier (agency-local)",
    "token": "pseudonymisation token (32 hex)",
    "date": "date",
    "datetime": "date-time (UK local time, as written)",
    "month": "month (first day of the month)",
    "yn": "true for Y, false for N",
    "code": "code",
    "code_list": "';'-separated codes",
    "locality": "locality code",
    "text": "text",
    "integer": "whole number",
    "year": "year",
}


def _cast(column: contract.Column) -> str:
    c = f"source.{column.name}"
    return {
        "date": f"cast({c} as date)",
        "datetime": f"cast({c} as timestamp)",
        "month": f"cast({c} || '-01' as date)",
        "yn": f"case {c} when 'Y' then true when 'N' then false end",
        "integer": f"cast({c} as integer)",
        "year": f"cast({c} as integer)",
    }.get(column.type, c)


def model_name(agency: str, entity: str) -> str:
    return f"stg_{agency}__{entity}"


def staging_sql(entity: contract.Entity) -> str:
    columns = ",\n".join(f"        {_cast(c)} as {c.name}" for c in entity.columns)
    if entity.agency == "reference":
        current = ""
        join = ""
    else:
        current = f"""
current_delivery as (
    select delivery_id from {{{{ source('ingest', 'current_deliveries') }}}}
    where agency = '{entity.agency}'
),
"""
        join = (
            "\n    inner join current_delivery\n"
            "        on source._delivery_id = current_delivery.delivery_id"
        )
    return f"""-- {HEADER}
-- {entity.agency} {entity.name}: the current delivery, typed.
with

source as (
    select * from {{{{ source('{entity.agency}', '{entity.name}') }}}}
),
{current}
renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
{columns}
    from source{join}
),

final as (
    select * from renamed
)

select * from final
"""


def freshness_for(agency: str) -> dict:
    """Agencies deliver monthly: `dbt source freshness` warns when an agency's current
    delivery arrived more than 35 days ago and errors after 62. Reference files change
    yearly and have no freshness."""
    if agency not in contract.AGENCIES:
        return {}
    return {
        "config": {
            "freshness": {
                "warn_after": {"count": 35, "period": "day"},
                "error_after": {"count": 62, "period": "day"},
            },
            "loaded_at_query": "select max(arrived_at) from raw.current_deliveries "
            f"where agency = '{agency}'",
        }
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
                "description": f"{agency} {e.name}, every loaded delivery; contract "
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
                **freshness_for(agency),
                "tables": tables,
            }
        ],
    }


def models_for(agency: str) -> dict:
    models = []
    for e in contract.entities(agency):
        columns = [
            {"name": "delivery_id", "description": "the delivery the row came in"},
            {"name": "source_line", "description": "line of the delivered file"},
        ]
        for c in e.columns:
            col = {
                "name": c.name,
                "description": TYPE_TEXT[c.type] + (f" ({c.codes})" if c.codes else ""),
            }
            if c.required:
                col["data_tests"] = ["not_null"]
            columns.append(col)
        model = {
            "name": model_name(agency, e.name),
            "description": f"{agency} {e.name} of the agency's current delivery, typed "
            f"(contract/{agency}/{e.name}.yml).",
            "columns": columns,
        }
        if len(e.primary_key) == 1:
            next(c for c in columns if c["name"] == e.primary_key[0]).setdefault(
                "data_tests", []
            ).append("unique")
        else:
            model["data_tests"] = [
                {
                    "unique_combination_of_columns": {
                        "arguments": {"combination": list(e.primary_key)}
                    }
                }
            ]
        models.append(model)
    return {"version": 2, "models": models}


def _yaml(doc: dict) -> str:
    return f"# {HEADER}\n" + yaml.safe_dump(doc, sort_keys=False, width=100)


def bank_holidays_csv() -> str:
    import holidays

    days = holidays.country_holidays("GB", subdiv="ENG", years=HOLIDAY_YEARS)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["holiday_date", "holiday_name"])
    for day, name in sorted(days.items()):
        writer.writerow([day.isoformat(), name])
    return out.getvalue()


def generated_files() -> dict[Path, str]:
    """Every generated file and its content."""
    files: dict[Path, str] = {}
    for agency in (*contract.AGENCIES, "reference"):
        folder = DBT / "models" / "staging" / agency
        files[folder / f"_{agency}__sources.yml"] = _yaml(sources_for(agency))
        files[folder / f"_{agency}__models.yml"] = _yaml(models_for(agency))
        for e in contract.entities(agency):
            files[folder / f"{model_name(agency, e.name)}.sql"] = staging_sql(e)
    files[DBT / "seeds" / "bank_holidays.csv"] = bank_holidays_csv()
    files[DBT / "seeds" / "poisson_exact_limits.csv"] = poisson_exact_limits_csv()
    return files


def write_all() -> list[Path]:
    written = []
    for path, text in generated_files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written
