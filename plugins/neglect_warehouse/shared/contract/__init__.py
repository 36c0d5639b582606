"""The partnership's data contract (spec/extracts.md), as data: one YAML file per agency
entity under this folder, plus the code lists. Everything that reads or writes agency files
(the generator, the pseudonymisation tool, ingest, the GX suites, dbt sources) takes columns,
types and code lists from here."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

AGENCIES = ("csc", "police", "health", "probation")


@dataclass(frozen=True)
class Column:
    name: str
    type: (
        str  # id, token, date, datetime, month, year, yn, code, code_list, locality, text, integer
    )
    required: bool
    codes: str | None = None
    future_allowed: bool = False


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
        if self.agency == "reference":
            return f"{self.name}.csv"
        return f"{self.agency}__{self.name}__{extract_date}.csv"


def _root():
    return resources.files(__package__)


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
    order = {
        "csc": [
            "persons",
            "contacts",
            "referrals",
            "assessments",
            "s47_enquiries",
            "cin_plans",
            "cp_plans",
            "cla_episodes",
            "missing_episodes",
            "family_hub",
            "neglect_tools",
        ],
        "police": ["persons", "incidents", "child_notifications", "flags", "strategy_discussions"],
        "health": [
            "persons",
            "appointments",
            "ed_attendances",
            "antenatal_bookings",
            "child_records",
            "adult_episodes",
        ],
        "probation": ["persons", "cases", "safeguarding_checks", "home_visits"],
        "reference": ["localities", "population"],
    }[agency]
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
