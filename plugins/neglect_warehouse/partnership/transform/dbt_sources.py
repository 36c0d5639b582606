"""dbt code derived from the data contract, written by ``neglect-warehouse contract sync`` and
checked by a test so that it can never drift from the contract. The contract reaches dbt as
data (docs/transform.md, "The contract in dbt"): seeds for the joins SQL makes at run time,
``meta`` on the sources, and SQL generated per agency or entity where a model needs one
``ref()`` or ``source()`` per agency or entity.

- ``dbt_project/models/staging/<agency>/_<agency>__sources.yml``: the raw tables ingest writes,
  with the contract as ``meta`` (the agency's name; each column's type, required flag, code
  list, ``future_allowed`` and ``indicator_critical``);
- ``…/base/base_<agency>__<entity>.sql``: one view per agency entity holding every loaded
  delivery as delivered (text): the only models that read an agency's raw tables;
- ``…/stg_<agency>__<entity>.sql``: one staging view per entity — the agency's *current*
  delivery (base_ingest__current_deliveries), columns cast to their contract types (the
  contract's ``cast``), lineage kept (``delivery_id``, ``source_line``); the partnership's
  reference files have no base model (one delivery is kept);
- ``…/_<agency>__models.yml``: the base and staging models' documentation and primary-key
  tests;
- ``dbt_project/seeds/contract/``: the agencies, every contract column, the delivery states and
  the consistency rules (from ``ingest/rules.py``) as seeds, documented and typed in
  ``_contract__seeds.yml``;
- ``dbt_project/models/intermediate/linkage/int_persons_unioned.sql``: every agency's persons;
- ``dbt_project/models/intermediate/data_quality/int_dq_values_present.sql``: the values present
  in every optional column, per delivery (the data quality report's completeness);
- ``dbt_project/seeds/bank_holidays.csv``: England and Wales bank holidays from the maintained
  ``holidays`` library;
- ``dbt_project/seeds/poisson_exact_limits.csv``: exact Poisson limits for counts below 10.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import yaml

from neglect_warehouse.partnership.ingest.rules import checked_rules
from neglect_warehouse.partnership.paths import DBT_PROJECT
from neglect_warehouse.partnership.transform.statistics import poisson_exact_limits_csv
from neglect_warehouse.shared import contract

DBT = DBT_PROJECT
HEADER = (
    "Generated from plugins/neglect_warehouse/shared/contract\n"
    "by `neglect-warehouse contract sync`; do not edit by hand."
)
HOLIDAY_YEARS = range(2010, 2036)
CURRENT_DELIVERIES = "base_ingest__current_deliveries"


def model_name(agency: str, entity: str) -> str:
    return f"stg_{agency}__{entity}"


def base_model_name(agency: str, entity: str) -> str:
    return f"base_{agency}__{entity}"


def _contract_file(entity: contract.Entity) -> str:
    return f"plugins/neglect_warehouse/shared/contract/{entity.agency}/{entity.name}.yml"


def _type_text(column: contract.Column) -> str:
    text = contract.column_type(column.type).description
    return text + (f" ({column.codes})" if column.codes else "")


def _comment(text: str, mark: str = "--") -> str:
    return "\n".join(f"{mark} {line}" for line in text.split("\n"))


def _typed(column: contract.Column) -> str:
    """The staging model's SQL for ``column``: the contract type's cast (the alias on a line
    of its own when the line would pass 100 characters)."""
    cast = contract.column_type(column.type).cast
    if not cast:
        return column.name
    typed = cast.replace("{c}", column.name)
    if len(f"        {typed} as {column.name},") > 100:
        return f"{typed}\n            as {column.name}"
    return f"{typed} as {column.name}"


def base_sql(entity: contract.Entity) -> str:
    columns = "".join(f",\n        source.{c.name}" for c in entity.columns)
    return f"""{_comment(HEADER)}
-- {entity.agency} {entity.name}: every loaded delivery, as delivered (text).
with

source as (
    select * from {{{{ source('{entity.agency}', '{entity.name}') }}}}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line{columns}
    from source
),

final as (
    select * from renamed
)

select * from final
"""


def staging_sql(entity: contract.Entity) -> str:
    if entity.agency == contract.REFERENCE:
        # the partnership's reference files: the raw table holds the current files only
        rows = "source"
        imports = f"""source as (
    select * from {{{{ source('{entity.agency}', '{entity.name}') }}}}
),
"""
        lineage = "_delivery_id as delivery_id,\n        _line as source_line"
    else:
        base = base_model_name(entity.agency, entity.name)
        rows = "current_rows"
        imports = f"""{base} as (
    select * from {{{{ ref('{base}') }}}}
),

current_delivery as (
    select * from {{{{ ref('{CURRENT_DELIVERIES}') }}}}
    where agency = '{entity.agency}'
),

current_rows as (
    select {base}.*
    from {base}
    inner join current_delivery
        on {base}.delivery_id = current_delivery.delivery_id
),
"""
        lineage = "delivery_id,\n        source_line"
    columns = "".join(f",\n        {_typed(c)}" for c in entity.columns)
    return f"""{_comment(HEADER)}
-- {entity.agency} {entity.name}: the current delivery, typed.
with

{imports}
renamed as (
    select
        {lineage}{columns}
    from {rows}
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
        "freshness": {
            "warn_after": {"count": 35, "period": "day"},
            "error_after": {"count": 62, "period": "day"},
        },
        "loaded_at_query": "select max(arrived_at) from raw.current_deliveries "
        f"where agency = '{agency}'",
    }


def column_meta(column: contract.Column) -> dict:
    """The contract's facts about a column, as dbt ``meta``."""
    meta: dict = {"type": column.type, "required": column.required}
    if column.codes:
        meta["codes"] = column.codes
    meta["future_allowed"] = column.future_allowed
    if column.indicator_critical:
        meta["indicator_critical"] = column.indicator_critical
    return meta


def sources_for(agency: str) -> dict:
    tables = []
    for e in contract.entities(agency):
        columns: list[dict[str, Any]] = [
            {
                "name": "_delivery_id",
                "description": "the delivery this row came in (raw.deliveries.delivery_id)",
            },
            {"name": "_line", "description": "line of the delivered file the row started on"},
        ]
        for c in e.columns:
            columns.append(
                {
                    "name": c.name,
                    "description": ("required; " if c.required else "")
                    + _type_text(c)
                    + ", as delivered (text)",
                    "config": {"meta": column_meta(c)},
                }
            )
        tables.append(
            {
                "name": e.name,
                "identifier": f"{agency}__{e.name}",
                "description": f"{agency} {e.name}, every loaded delivery; contract "
                f"{_contract_file(e)}",
                "columns": columns,
            }
        )
    if agency in contract.AGENCIES:
        meta = {"agency_name": contract.agency_name(agency)}
        what = f"The raw layer of {agency}'s deliveries"
        readers = "the base models (base/)"
    else:
        meta = {}
        what = "The raw layer of the partnership's reference files"
        readers = "the staging models"
    config = {**({"meta": meta} if meta else {}), **freshness_for(agency)}
    return {
        "version": 2,
        "sources": [
            {
                "name": agency,
                "schema": "raw",
                "description": f"{what}: as delivered, plus load metadata (one table per "
                f"entity; read only by {readers}, with source('{agency}', '<entity>')).",
                **({"config": config} if config else {}),
                "tables": tables,
            }
        ],
    }


def _contract_columns(entity: contract.Entity, typed: bool) -> list[dict]:
    columns = []
    for c in entity.columns:
        col: dict[str, Any] = {
            "name": c.name,
            "description": _type_text(c) + ("" if typed else ", as delivered"),
        }
        if c.required and typed:
            col["data_tests"] = ["not_null"]
        columns.append(col)
    return columns


def _primary_key_test(model: dict, key: list[str]) -> None:
    if len(key) == 1:
        column = next(c for c in model["columns"] if c["name"] == key[0])
        column.setdefault("data_tests", []).append("unique")
    else:
        model["data_tests"] = [
            {"unique_combination_of_columns": {"arguments": {"combination": key}}}
        ]


def models_for(agency: str) -> dict:
    models = []
    for e in contract.entities(agency):
        if agency != contract.REFERENCE:
            base = {
                "name": base_model_name(agency, e.name),
                "description": f"{agency} {e.name} of every loaded delivery, as delivered "
                f"(text), for the data quality report's history and for "
                f"{model_name(agency, e.name)} ({_contract_file(e)}).",
                "columns": [
                    {"name": "delivery_id", "description": "the delivery the row came in"},
                    {"name": "source_line", "description": "line of the delivered file"},
                    *_contract_columns(e, typed=False),
                ],
            }
            _primary_key_test(base, ["delivery_id", *e.primary_key])
            models.append(base)
        model = {
            "name": model_name(agency, e.name),
            "description": f"{agency} {e.name} of the agency's current delivery, typed "
            f"({_contract_file(e)}).",
            "columns": [
                {"name": "delivery_id", "description": "the delivery the row came in"},
                {"name": "source_line", "description": "line of the delivered file"},
                *_contract_columns(e, typed=True),
            ],
        }
        _primary_key_test(model, list(e.primary_key))
        models.append(model)
    return {"version": 2, "models": models}


def persons_unioned_sql() -> str:
    """int_persons_unioned: every agency's person records, one branch per agency."""
    imports = "".join(
        f"{model_name(a, 'persons')} as (\n"
        f"    select * from {{{{ ref('{model_name(a, 'persons')}') }}}}\n),\n\n"
        for a in contract.AGENCIES
    )
    branches = "\n    union all\n".join(
        f"    select\n        '{a}' as agency,\n"
        + ",\n".join(
            f"        {model_name(a, 'persons')}.{c}"
            for c in ("person_id", "person_token", "person_alt_token")
        )
        + f"\n    from {model_name(a, 'persons')}"
        for a in contract.AGENCIES
    )
    return f"""{_comment(HEADER)}
-- Every agency's person records of its current delivery, in one relation: one branch per
-- agency of the contract.
{{{{ config(materialized="view") }}}}
with

{imports}unioned as (
{branches}
),

final as (
    select * from unioned
)

select * from final
"""


def values_present_sql() -> str:
    """int_dq_values_present: per delivery of an agency, the values present in each optional
    contract column (required ones are counted by Great Expectations at ingest)."""
    imports, counts, branches = [], [], []
    for agency in contract.AGENCIES:
        for e in contract.entities(agency):
            optional = [c.name for c in e.columns if not c.required]
            if not optional:
                continue
            base = base_model_name(agency, e.name)
            counted = f"counted_{agency}__{e.name}"
            imports.append(f"{base} as (\n    select * from {{{{ ref('{base}') }}}}\n),\n")
            counts.append(
                f"{counted} as (\n    select\n        delivery_id"
                + "".join(f",\n        count({c}) as {c}" for c in optional)
                + f"\n    from {base}\n    group by delivery_id\n),\n"
            )
            branches += [
                f"    select\n        '{agency}' as agency,\n"
                f"        {counted}.delivery_id,\n"
                f"        '{e.name}' as entity,\n"
                f"        '{c}' as column_name,\n"
                f"        {counted}.{c} as values_present\n"
                f"    from {counted}"
                for c in optional
            ]
    union = "\n    union all\n".join(branches)
    ctes = "\n".join(imports) + "\n" + "\n".join(counts)
    return f"""{_comment(HEADER)}
-- The values present in each optional contract column of every agency entity, per loaded
-- delivery (fct_dq_columns: the completeness of optional columns, which Great Expectations
-- does not count). A table: it reads every agency's raw tables, so any agency's new data
-- rebuilds it.
{{{{ config(materialized="table") }}}}
with

{ctes}
unioned as (
{union}
),

final as (
    select * from unioned
)

select * from final
"""


def _csv(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            ["" if v is None else str(v).lower() if isinstance(v, bool) else v for v in row]
        )
    return out.getvalue()


def contract_agencies_csv() -> str:
    return _csv(
        ["agency", "agency_name", "position"],
        [[a, contract.agency_name(a), n] for n, a in enumerate(contract.AGENCIES, 1)],
    )


def contract_columns_csv() -> str:
    rows = []
    for agency in (*contract.AGENCIES, contract.REFERENCE):
        for e in contract.entities(agency):
            for n, c in enumerate(e.columns, 1):
                rows.append(
                    [
                        agency,
                        e.name,
                        c.name,
                        n,
                        c.type,
                        contract.column_type(c.type).validity,
                        c.codes,
                        c.required,
                        c.future_allowed,
                        c.indicator_critical,
                    ]
                )
    return _csv(
        [
            "agency",
            "entity",
            "column_name",
            "column_position",
            "column_type",
            "validity_check",
            "code_list",
            "is_required",
            "future_allowed",
            "indicator_critical",
        ],
        rows,
    )


def contract_delivery_states_csv() -> str:
    return _csv(
        ["state", "position", "is_loaded", "is_duplicate", "label"],
        [
            [s.value, n, s.loaded, s is contract.DeliveryState.DUPLICATE, s.label]
            for n, s in enumerate(contract.DeliveryState, 1)
        ],
    )


def contract_rules_csv() -> str:
    rows = [
        [agency, entity, rule.id, rule.cin_rule, rule.description]
        for agency in contract.AGENCIES
        for entity, rule in checked_rules(agency)
    ]
    return _csv(["agency", "entity", "rule", "cin_rule", "rule_description"], rows)


def _seed(name: str, description: str, columns: list[tuple[str, str, str]], key: list[str]):
    seed: dict[str, Any] = {
        "name": name,
        "description": description,
        "config": {"column_types": {c: t for c, t, _ in columns}},
        "columns": [{"name": c, "description": d} for c, _, d in columns],
    }
    for column in seed["columns"]:
        if column["name"] in key:
            column["data_tests"] = ["not_null"]
    if len(key) == 1:
        seed["columns"][[c for c, _, _ in columns].index(key[0])]["data_tests"].append("unique")
    else:
        seed["data_tests"] = [
            {"unique_combination_of_columns": {"arguments": {"combination": key}}}
        ]
    return seed


def contract_seeds() -> dict:
    agency = ("agency", "varchar", "the agency's code, as in file names and the warehouse")
    return {
        "version": 2,
        "seeds": [
            _seed(
                "contract_agencies",
                "The partnership's agencies (partnership.yml), in the contract's order; the "
                "partnership's reference files are not an agency.",
                [
                    agency,
                    ("agency_name", "varchar", "the agency's name as a reader sees it"),
                    ("position", "integer", "order of the agency in the contract (1 = first)"),
                ],
                ["agency"],
            ),
            _seed(
                "contract_columns",
                "Every column of every entity of the contract (the agencies' and the "
                "reference files'), with its type and flags.",
                [
                    ("agency", "varchar", "the agency's code (or reference)"),
                    ("entity", "varchar", "the entity (file)"),
                    ("column_name", "varchar", "the column, as named in the file"),
                    ("column_position", "integer", "position of the column in the entity"),
                    ("column_type", "varchar", "the column's type (partnership.yml)"),
                    (
                        "validity_check",
                        "varchar",
                        "how a valid value is measured: code_list, date_range or format",
                    ),
                    ("code_list", "varchar", "a code column's code list (codelists.yml)"),
                    ("is_required", "boolean", "a row without a value is rejected"),
                    (
                        "future_allowed",
                        "boolean",
                        "a date that may lie after the extract date",
                    ),
                    (
                        "indicator_critical",
                        "varchar",
                        "what needs an optional column (indicator ids, child key)",
                    ),
                ],
                ["agency", "entity", "column_name"],
            ),
            _seed(
                "contract_delivery_states",
                "The states a delivery ends in (shared/contract/states.py).",
                [
                    ("state", "varchar", "the state, as ingest records it"),
                    ("position", "integer", "order of the state in states.py"),
                    ("is_loaded", "boolean", "the delivery's rows are in the warehouse"),
                    (
                        "is_duplicate",
                        "boolean",
                        "an arrival of a delivery already received (the copy is ignored)",
                    ),
                    ("label", "varchar", "the state as a reader sees it"),
                ],
                ["state"],
            ),
            _seed(
                "contract_rules",
                "The consistency rules of extracts.md §6 (ingest/rules.py), one row per agency "
                "entity a rule is checked on.",
                [
                    agency,
                    ("entity", "varchar", "the entity whose records the rule is checked on"),
                    ("rule", "varchar", "the rule's id, as raw.rule_breaches records it"),
                    ("cin_rule", "varchar", "the DfE CIN census validation rule number(s)"),
                    ("rule_description", "varchar", "what the rule requires, in plain words"),
                ],
                ["agency", "entity", "rule"],
            ),
        ],
    }


def _yaml(doc: dict) -> str:
    return (
        _comment(HEADER, "#")
        + "\n"
        + yaml.safe_dump(doc, sort_keys=False, width=100, allow_unicode=True)
    )


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
    for agency in (*contract.AGENCIES, contract.REFERENCE):
        folder = DBT / "models" / "staging" / agency
        files[folder / f"_{agency}__sources.yml"] = _yaml(sources_for(agency))
        files[folder / f"_{agency}__models.yml"] = _yaml(models_for(agency))
        for e in contract.entities(agency):
            if agency != contract.REFERENCE:
                files[folder / "base" / f"{base_model_name(agency, e.name)}.sql"] = base_sql(e)
            files[folder / f"{model_name(agency, e.name)}.sql"] = staging_sql(e)
    intermediate = DBT / "models" / "intermediate"
    files[intermediate / "linkage" / "int_persons_unioned.sql"] = persons_unioned_sql()
    files[intermediate / "data_quality" / "int_dq_values_present.sql"] = values_present_sql()
    seeds = DBT / "seeds" / "contract"
    files[seeds / "_contract__seeds.yml"] = _yaml(contract_seeds())
    files[seeds / "contract_agencies.csv"] = contract_agencies_csv()
    files[seeds / "contract_columns.csv"] = contract_columns_csv()
    files[seeds / "contract_delivery_states.csv"] = contract_delivery_states_csv()
    files[seeds / "contract_rules.csv"] = contract_rules_csv()
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
