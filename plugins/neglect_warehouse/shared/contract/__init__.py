"""The partnership's data contract (spec/extracts.md), as data: the agencies and column types
(``partnership.yml``), one YAML file per agency entity under this folder, the code lists
(``codelists.yml``) and the delivery states (``states.py``). Everything that reads or writes
agency files (the generator, the pseudonymisation tool, ingest, the GX suites, dbt sources and
seeds, the reports) takes agencies, columns, types, states and code lists from here."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from neglect_warehouse.shared.contract.states import LOADED_STATES, DeliveryState

__all__ = [
    "AGENCIES",
    "LOADED_STATES",
    "REFERENCE",
    "Column",
    "ColumnType",
    "DeliveryState",
    "Entity",
    "Reference",
    "agency_name",
    "code_lists",
    "column_type",
    "column_types",
    "entities",
    "entity",
]


def _root():
    return resources.files(__package__)


@cache
def _partnership() -> dict:
    return yaml.safe_load(_root().joinpath("partnership.yml").read_text())


AGENCIES: tuple[str, ...] = tuple(_partnership()["agencies"])
"""The agencies' codes, in the contract's order."""
REFERENCE: str = _partnership()["reference"]["code"]
"""The partnership's own reference files: delivered like an agency's, but not an agency."""


def agency_name(agency: str) -> str:
    """The agency's name as a reader sees it ("Children's social care")."""
    return _partnership()["agencies"][agency]["name"]


@dataclass(frozen=True)
class ColumnType:
    """A column type: what a value must match (``pattern``, a regular expression for the whole
    value; ``parse``, a DuckDB expression of ``{c}`` that is null for an impossible value),
    how staging types it (``cast``, SQL of ``{c}``; None keeps the text), its documentation
    (``description``) and what a value should be in an agency's words (``expected``). A dated
    type has ``as_date`` (DuckDB SQL of ``{c}`` for the date it names; ``month_only``: to the
    month); ``can_hold_identifiers`` is False when no valid value can hold an NHS number or a
    postcode; ``record_key`` marks identifiers and tokens; ``validity`` is how the data
    quality report measures a valid value (``code_list``, ``date_range`` or ``format``)."""

    name: str
    description: str
    pattern: str | None = None
    parse: str | None = None
    cast: str | None = None
    expected: str | None = None
    as_date: str | None = None
    month_only: bool = False
    can_hold_identifiers: bool = True
    record_key: bool = False
    validity: str = "format"


@cache
def column_types() -> dict[str, ColumnType]:
    return {name: ColumnType(name, **spec) for name, spec in _partnership()["column_types"].items()}


def column_type(name: str) -> ColumnType:
    return column_types()[name]


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a key of column_types()
    required: bool
    codes: str | None = None
    future_allowed: bool = False
    # an optional column an indicator or the child key cannot do without: what needs it
    # ("F01", "child key"); the data quality report shows its completeness
    indicator_critical: str | None = None


@dataclass(frozen=True)
class Reference:
    column: str
    entity: str
    to_column: str


@dataclass(frozen=True)
class Entity:
    agency: str
    name: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]
    references: tuple[Reference, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def file_name(self, extract_date: str) -> str:
        """``extract_date`` as YYYYMMDD."""
        if self.agency == REFERENCE:
            return f"{self.name}.csv"
        return f"{self.agency}__{self.name}__{extract_date}.csv"


@cache
def code_lists() -> dict[str, tuple[str, ...]]:
    data = yaml.safe_load(_root().joinpath("codelists.yml").read_text())
    return {name: tuple(str(v) for v in values) for name, values in data.items()}


def _load(agency: str, name: str) -> Entity:
    doc = yaml.safe_load(_root().joinpath(agency, f"{name}.yml").read_text())
    columns = tuple(
        Column(
            c["name"],
            c["type"],
            bool(c.get("required")),
            c.get("codes"),
            bool(c.get("future_allowed")),
            c.get("indicator_critical"),
        )
        for c in doc["columns"]
    )
    refs = tuple(
        Reference(r["column"], r["entity"], r["to_column"]) for r in doc.get("references", [])
    )
    return Entity(doc["agency"], doc["entity"], tuple(doc["primary_key"]), columns, refs)


@cache
def entities(agency: str) -> tuple[Entity, ...]:
    """The agency's entities, persons first, then in the order of extracts.md §4."""
    if agency == REFERENCE:
        order = _partnership()["reference"]["entities"]
    else:
        order = _partnership()["agencies"][agency]["entities"]
    found = sorted(
        p.name[:-4] for p in _root().joinpath(agency).iterdir() if p.name.endswith(".yml")
    )
    if sorted(order) != found:
        raise RuntimeError(f"contract files for {agency} {found} differ from {order}")
    return tuple(_load(agency, name) for name in order)


def entity(agency: str, name: str) -> Entity:
    for e in entities(agency):
        if e.name == name:
            return e
    raise KeyError(f"{agency} has no entity {name!r}")
