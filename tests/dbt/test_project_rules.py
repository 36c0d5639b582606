"""dbt Labs' dbt-project-evaluator rules, as tests on the manifest of this project.

The evaluator (https://github.com/dbt-labs/dbt-project-evaluator, rules in docs/rules/*.md) is a
dbt package: it needs `dbt deps` from the hub and builds its own models in the warehouse. The
rules that matter here are written again below as plain functions of the manifest that
`dbt parse` writes (to a temporary target path: nothing is written under dbt_project/). Each
function returns the violations it finds; each test names the evaluator model it implements;
`test_each_rule_catches_a_planted_violation` shows every one of them failing on a manifest with
a violation planted in it. Where a rule does not fit a model, the exception is listed below
with its reason, and a test fails when an exception is no longer needed.

Model types follow the evaluator's defaults: a model's type is the folder nearest to it among
base, staging, intermediate and marts (models/staging/csc/base/… is base).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.dbt.test_dbt_build import dbt

PROJECT_NAME = "neglect_warehouse"
MODEL_TYPES = ("base", "staging", "intermediate", "marts")
# the evaluator's defaults (base_prefixes, staging_prefixes, …), and mart_ for marts that are
# neither facts nor dimensions (mart_linkage_summary: a summary read as it is)
PREFIXES = {
    "base": ("base_",),
    "staging": ("stg_",),
    "intermediate": ("int_",),
    "marts": ("fct_", "dim_", "mart_"),
}

# fct_missing_primary_key_tests: models whose grain has no key to test, and why.
NO_PRIMARY_KEY = {
    "stg_ingest__rejected_rows": "one row per problem ingest found, and a row can have several "
    "problems on one column (raw.rejected_rows has no key)",
    "int_police__involvements": "involvements have no key: two events of a child on one day "
    "are two equal rows",
    "int_health__involvements": "as int_police__involvements",
    "int_probation__involvements": "as int_police__involvements",
    "int_agency_involvements": "as int_police__involvements",
}
# fct_missing_primary_key_tests: the indicators' building blocks are ephemeral CTEs of
# int_indicator_units (its rows are tested there), each unit-tested with hand-worked rows.
NO_PRIMARY_KEY_PATTERN = re.compile(r"int_indicator_units__\w+")

# fct_rejoining_of_upstream_concepts: (parent, child, the model in between), and why.
REJOINS = {
    (
        "model.neglect_warehouse.int_agency_deliveries",
        "model.neglect_warehouse.fct_dq_deliveries",
        "model.neglect_warehouse.fct_dq_consistency",
    ): "fct_dq_consistency is a mart in its own right (the agencies' report and the board "
    "pack read it); fct_dq_deliveries sums it per delivery",
}

# fct_root_models: models that draw on nothing (a self-contained calendar), and why.
ROOT_MODELS: dict[str, str] = {}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    """The manifest of `dbt parse` (nothing is built; the warehouse file is never opened)."""
    tmp = tmp_path_factory.mktemp("dbt-parse")
    result = dbt(
        tmp,
        "parse",
        NEGLECT_WAREHOUSE_TARGET="duckdb",
        NEGLECT_WAREHOUSE_DUCKDB=str(tmp / "unused.duckdb"),
    )
    assert result.returncode == 0, result.stdout[-4000:]
    return json.loads((tmp / "target" / "manifest.json").read_text())


# --- the project's graph, from the manifest ---------------------------------------------------


def models(m: dict) -> dict[str, dict]:
    return {
        k: v
        for k, v in m["nodes"].items()
        if v["resource_type"] == "model" and v["package_name"] == PROJECT_NAME
    }


def sources(m: dict) -> dict[str, dict]:
    return {k: v for k, v in m["sources"].items() if v["package_name"] == PROJECT_NAME}


def parents(m: dict, unique_id: str) -> list[str]:
    node = m["nodes"].get(unique_id) or m["exposures"].get(unique_id)
    return sorted(set(node["depends_on"]["nodes"])) if node else []


def children(m: dict, include_exposures: bool = False) -> dict[str, set[str]]:
    """Direct children of every node among models (and exposures): tests are not children."""
    found: dict[str, set[str]] = {}
    kids = list(models(m)) + (list(m["exposures"]) if include_exposures else [])
    for child in kids:
        for parent in parents(m, child):
            found.setdefault(parent, set()).add(child)
    return found


def kind(unique_id: str) -> str:
    return unique_id.split(".", 1)[0]


def model_type(node: dict) -> str | None:
    """The nearest folder of the model's path that names a model type (the evaluator's
    model_type_folder)."""
    folders = Path(node["original_file_path"]).parts[1:-1]
    for folder in reversed(folders):
        if folder in MODEL_TYPES:
            return folder
    return None


def name(unique_id: str) -> str:
    return unique_id.split(".")[-1]


# --- the rules --------------------------------------------------------------------------------


def source_fanout(m: dict) -> list[str]:
    """fct_source_fanout: a source read by more than one model."""
    kids = children(m)
    return sorted(
        f"{s} is read by {sorted(kids[s])}" for s in sources(m) if len(kids.get(s, ())) > 1
    )


def direct_join_to_source(m: dict) -> list[str]:
    """fct_direct_join_to_source: a model reading both a source and a model."""
    return sorted(k for k in models(m) if {kind(p) for p in parents(m, k)} >= {"source", "model"})


def multiple_sources_joined(m: dict) -> list[str]:
    """fct_multiple_sources_joined: a model reading more than one source."""
    return sorted(k for k in models(m) if sum(kind(p) == "source" for p in parents(m, k)) > 1)


def downstream_models_dependent_on_source(m: dict) -> list[str]:
    """fct_marts_or_intermediate_dependent_on_source: only staging (and base) models read
    sources."""
    return sorted(
        f"{k} ({model_type(v)}) reads {p}"
        for k, v in models(m).items()
        for p in parents(m, k)
        if kind(p) == "source" and model_type(v) not in ("staging", "base")
    )


def staging_dependencies(m: dict) -> list[str]:
    """fct_staging_dependent_on_staging and fct_staging_dependent_on_marts_or_intermediate: a
    staging model reads sources and base models only, a base model sources only."""
    every = models(m)
    found = []
    for k, v in every.items():
        allowed = {"staging": ("source", "base"), "base": ("source",)}.get(model_type(v))
        if allowed is None:
            continue
        for p in parents(m, k):
            what = kind(p) if kind(p) != "model" else model_type(every[p])
            if what not in allowed:
                found.append(f"{k} ({model_type(v)}) reads {p} ({what})")
    return sorted(found)


def model_naming_conventions(m: dict) -> list[str]:
    """fct_model_naming_conventions: a model's prefix is its type's (stg_, base_, int_, fct_ or
    dim_; mart_ for marts that are neither)."""
    return sorted(
        f"{v['original_file_path']}: {v['name']} is not {' or '.join(PREFIXES[t])}…"
        for v in models(m).values()
        if (t := model_type(v)) is None or not v["name"].startswith(PREFIXES[t])
    )


def model_directories(m: dict) -> list[str]:
    """fct_model_directories (staging): a staging or base model of source <s> is in
    models/staging/<s>/ (base models in its base/ folder), named <prefix><s>__<table>, and
    reads only that source."""
    found = []
    for k, v in models(m).items():
        t = model_type(v)
        if t not in ("staging", "base"):
            continue
        source_name = v["name"].split("_", 1)[1].split("__", 1)[0]
        folder = Path("models", "staging", source_name, *(("base",) if t == "base" else ()))
        if Path(v["original_file_path"]).parent != folder:
            found.append(f"{v['original_file_path']} is not in {folder}/")
        for p in parents(m, k):
            if kind(p) == "source" and m["sources"][p]["source_name"] != source_name:
                found.append(f"{k} reads {p}, not a table of source {source_name}")
    return sorted(found)


def _tests_by_model(m: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for node in m["nodes"].values():
        if node["resource_type"] == "test" and node.get("attached_node"):
            found.setdefault(node["attached_node"], []).append(node)
    return found


def has_primary_key_test(node: dict, tests: list[dict]) -> bool:
    """The evaluator's primary_key_test_macros: unique and not_null on one column, or a test of
    a combination of columns (here the project's own unique_combination_of_columns); or a
    not_null constraint and a unique test on one column."""
    by_column: dict[str, set[str]] = {}
    for t in tests:
        test = (t.get("test_metadata") or {}).get("name")
        if test == "unique_combination_of_columns":
            return True
        if t.get("column_name"):
            by_column.setdefault(t["column_name"], set()).add(test)
    for column, found in by_column.items():
        constraints = node["columns"].get(column, {}).get("constraints") or []
        if any(c["type"] == "not_null" for c in constraints):
            found.add("not_null")
        if {"unique", "not_null"} <= found:
            return True
    return False


def missing_primary_key_tests(m: dict) -> list[str]:
    """fct_missing_primary_key_tests: every model has a primary key test."""
    tests = _tests_by_model(m)
    return sorted(
        v["name"]
        for k, v in models(m).items()
        if not has_primary_key_test(v, tests.get(k, []))
        and not NO_PRIMARY_KEY_PATTERN.fullmatch(v["name"])
    )


def undocumented(m: dict) -> list[str]:
    """fct_undocumented_models, fct_undocumented_sources and fct_undocumented_source_tables:
    every model, source and source table has a description."""
    found = [k for k, v in models(m).items() if not v["description"].strip()]
    found += [k for k, v in sources(m).items() if not v["description"].strip()]
    found += [
        f"source {v['source_name']}" for v in sources(m).values() if not v["source_description"]
    ]
    return sorted(set(found))


# the evaluator's regular expressions (macros/find_all_hard_coded_references.sql): from or join
# followed by schema.table, database.schema.table or a quoted name (the name must end the
# word: `extract(year from t.d)` is not a table)
_NAME = r"([\[`\"']?)(\w+-?\w*)([\]`\"']?)"
HARD_CODED = [
    re.compile(rf"(?ix)(?<!distinct\s)(from|join)\s+{_NAME}(\.){_NAME}(?=\s|$)"),
    re.compile(rf"(?ix)(?<!distinct\s)(from|join)\s+{_NAME}(\.){_NAME}(\.){_NAME}(?=\s|$)"),
    re.compile(r"(?ix)(?<!distinct\s)(from|join)\s+([\[`\"'])(\w+-?\w+)([\]`\"'])(?=\s|$)"),
    re.compile(r"(?ix)(?<!distinct\s)(from|join)\s+(\{\{\s*var\s*\()"),
]


def hard_coded_references(m: dict) -> list[str]:
    """fct_hard_coded_references: a model selects from a relation by name instead of with
    ref() or source() (comments, which start with --, left out)."""
    found = []
    for v in models(m).values():
        sql = re.sub(r"--.*", "", v["raw_code"])
        for pattern in HARD_CODED:
            found += [f"{v['name']}: {match.group(0)}" for match in pattern.finditer(sql)]
    return sorted(found)


def rejoining_of_upstream_concepts(m: dict) -> list[tuple[str, str, str]]:
    """fct_rejoining_of_upstream_concepts: a parent read by a child both directly and through
    a model in between that has no other child (the in-between model had better be a CTE of
    the child). Exposures and tests are not children, as in the evaluator."""
    kids = children(m)
    found = []
    for parent, direct in kids.items():
        for child in direct:
            for between in direct - {child}:
                if child in kids.get(between, ()) and len(kids[between]) == 1:
                    found.append((parent, child, between))
    return sorted(found)


def unused_sources(m: dict) -> list[str]:
    """fct_unused_sources: a source table no model reads."""
    kids = children(m)
    return sorted(s for s in sources(m) if not kids.get(s))


def root_models(m: dict) -> list[str]:
    """fct_root_models: a model with no parent (its lineage cannot be traced)."""
    return sorted(v["name"] for k, v in models(m).items() if not parents(m, k))


# --- the tests --------------------------------------------------------------------------------


def test_each_source_is_read_by_one_model(manifest):
    # fct_source_fanout
    assert not source_fanout(manifest)


def test_no_model_joins_a_source_to_a_model_or_to_another_source(manifest):
    # fct_direct_join_to_source and fct_multiple_sources_joined
    assert not direct_join_to_source(manifest)
    assert not multiple_sources_joined(manifest)


def test_only_staging_models_read_sources(manifest):
    # fct_marts_or_intermediate_dependent_on_source: marts and intermediate models ref()
    assert not downstream_models_dependent_on_source(manifest)


def test_staging_models_read_only_sources_and_base_models(manifest):
    # fct_staging_dependent_on_staging and fct_staging_dependent_on_marts_or_intermediate
    assert not staging_dependencies(manifest)


def test_models_are_named_for_their_layer(manifest):
    # fct_model_naming_conventions
    assert not model_naming_conventions(manifest)


def test_staging_models_are_in_their_sources_folder(manifest):
    # fct_model_directories (staging models; the others are typed by their folder)
    assert not model_directories(manifest)


def test_every_model_has_a_primary_key_test(manifest):
    # fct_missing_primary_key_tests, with the exceptions of NO_PRIMARY_KEY
    missing = missing_primary_key_tests(manifest)
    assert sorted(set(missing) - set(NO_PRIMARY_KEY)) == []
    assert sorted(set(NO_PRIMARY_KEY) - set(missing)) == [], "exception no longer needed"


def test_every_model_and_source_is_documented(manifest):
    # fct_undocumented_models, fct_undocumented_sources, fct_undocumented_source_tables
    assert not undocumented(manifest)


def test_no_model_selects_from_a_relation_by_name(manifest):
    # fct_hard_coded_references
    assert not hard_coded_references(manifest)


def test_no_model_rejoins_an_upstream_concept(manifest):
    # fct_rejoining_of_upstream_concepts, with the exceptions of REJOINS
    found = rejoining_of_upstream_concepts(manifest)
    assert sorted(set(found) - set(REJOINS)) == []
    assert sorted(set(REJOINS) - set(found)) == [], "exception no longer needed"


def test_every_source_is_read_and_every_model_has_a_parent(manifest):
    # fct_unused_sources and fct_root_models
    assert not unused_sources(manifest)
    assert sorted(set(root_models(manifest)) - set(ROOT_MODELS)) == []


# --- each rule can fail -----------------------------------------------------------------------


def _plant(m: dict, name: str, folder: str, reads: list[str], sql: str = "", doc: str = "x"):
    """A copy of the manifest with one more model, models/<folder>/<name>.sql, reading
    ``reads`` (unique ids)."""
    planted = copy.deepcopy(m)
    unique_id = f"model.{PROJECT_NAME}.{name}"
    planted["nodes"][unique_id] = {
        "resource_type": "model",
        "package_name": PROJECT_NAME,
        "name": name,
        "original_file_path": f"models/{folder}/{name}.sql",
        "depends_on": {"nodes": reads, "macros": []},
        "raw_code": sql or "select 1 as id",
        "description": doc,
        "columns": {},
    }
    return planted


def _source(m: dict, source_name: str, table: str) -> str:
    return f"source.{PROJECT_NAME}.{source_name}.{table}"


def _model(model_name: str) -> str:
    return f"model.{PROJECT_NAME}.{model_name}"


PLANTED: dict[str, tuple[Callable[[dict], object], Callable[[dict], dict]]] = {
    "source fanout": (
        source_fanout,
        lambda m: _plant(
            m, "stg_csc__persons_again", "staging/csc", [_source(m, "csc", "persons")]
        ),
    ),
    "direct join to source": (
        direct_join_to_source,
        lambda m: _plant(
            m,
            "int_planted",
            "intermediate",
            [_source(m, "ingest", "deliveries"), _model("stg_csc__persons")],
        ),
    ),
    "multiple sources joined": (
        multiple_sources_joined,
        lambda m: _plant(
            m,
            "base_ingest__planted",
            "staging/ingest/base",
            [_source(m, "ingest", "deliveries"), _source(m, "ingest", "delivery_files")],
        ),
    ),
    "mart reads a source": (
        downstream_models_dependent_on_source,
        lambda m: _plant(m, "fct_planted", "marts", [_source(m, "ingest", "deliveries")]),
    ),
    "staging reads staging": (
        staging_dependencies,
        lambda m: _plant(m, "stg_csc__planted", "staging/csc", [_model("stg_csc__persons")]),
    ),
    "staging reads a mart": (
        staging_dependencies,
        lambda m: _plant(m, "stg_csc__planted", "staging/csc", [_model("fct_dq_deliveries")]),
    ),
    "naming": (
        model_naming_conventions,
        lambda m: _plant(m, "planted_summary", "marts", [_model("fct_dq_deliveries")]),
    ),
    "directories": (
        model_directories,
        lambda m: _plant(m, "stg_police__planted", "staging/csc", [_model("base_csc__persons")]),
    ),
    "primary key": (
        lambda m: set(missing_primary_key_tests(m)) - set(NO_PRIMARY_KEY),
        lambda m: _plant(m, "int_planted", "intermediate", [_model("stg_csc__persons")]),
    ),
    "documentation": (
        undocumented,
        lambda m: _plant(m, "int_planted", "intermediate", [_model("stg_csc__persons")], doc=""),
    ),
    "hard-coded reference": (
        hard_coded_references,
        lambda m: _plant(
            m,
            "int_planted",
            "intermediate",
            [_model("stg_csc__persons")],
            sql="select *\nfrom raw.deliveries\n",
        ),
    ),
    "rejoining": (
        lambda m: set(rejoining_of_upstream_concepts(m)) - set(REJOINS),
        lambda m: _plant(
            _plant(m, "int_planted_between", "intermediate", [_model("stg_csc__persons")]),
            "int_planted",
            "intermediate",
            [_model("stg_csc__persons"), _model("int_planted_between")],
        ),
    ),
    "root model": (
        lambda m: set(root_models(m)) - set(ROOT_MODELS),
        lambda m: _plant(m, "int_planted", "intermediate", []),
    ),
}


@pytest.mark.parametrize("rule", PLANTED)
def test_each_rule_catches_a_planted_violation(manifest, rule):
    check, plant = PLANTED[rule]
    assert not check(manifest)
    assert check(plant(manifest)), f"the {rule} rule misses a planted violation"


def test_unused_source_is_caught(manifest):
    planted = copy.deepcopy(manifest)
    planted["sources"][_source(manifest, "ingest", "planted")] = {
        **planted["sources"][_source(manifest, "ingest", "deliveries")],
        "name": "planted",
    }
    assert unused_sources(planted) == [_source(manifest, "ingest", "planted")]
