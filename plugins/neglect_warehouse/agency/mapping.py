"""Source mappings: how one agency's own system becomes its delivery, as data.

A mapping is a YAML file, ``sources/<agency>/<system>.yml`` beside this module (or any file
named with ``--mapping``). It holds:

- ``agency``, ``system`` (the name ``extract --system`` takes), ``title`` and
  ``documentation`` (the docs page listing every table and column read);
- ``window_years``: the snapshot's history (extracts.md §1: six years). Queries receive it
  as the bind parameters ``:window_start`` (the extract date that many years earlier; 29
  February becomes 28 February), ``:extract_date`` and ``:day_after`` (the day after the
  extract date, for date-time comparisons);
- ``tables``: every source table and the columns read from it. They are checked before
  anything is read, so a missing table or column is named rather than failing mid-way;
- ``translations``: named tables from a source value (as text) to a contract code. A source
  value with no translation stops the extract;
- ``entities``: for every contract entity, one ``query`` (portable SQL: it runs on SQL Server,
  PostgreSQL and DuckDB; it selects exactly the entity's raw-layout columns, ordered by the
  contract's primary key) and ``columns``: for each raw-layout column, ``from`` (the source
  ``table.column`` it comes from, or a list of them), optionally ``translate`` (a translation
  name) and ``list`` (``json`` for a JSON array, or a separator, for a list of codes).

The raw layout is the contract's columns with each pseudonymised column replaced by the
identifiers it is made from (docs/pseudonymisation.md): ``person_token`` by ``nhs_number``,
``person_alt_token`` by ``surname``, ``forenames`` and ``date_of_birth``, ``birth_month`` by
``date_of_birth``, ``household_token`` by ``uprn``. :func:`problems` is the check that a
mapping fits the contract; a mapping with problems is never run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from neglect_warehouse.shared import contract

DERIVED: dict[str, tuple[str, ...]] = {
    "person_token": ("nhs_number",),
    "person_alt_token": ("surname", "forenames", "date_of_birth"),
    "birth_month": ("date_of_birth",),
    "household_token": ("uprn",),
}
"""Each pseudonymised contract column and the raw identifiers it is made from."""

IDENTIFIERS = ("nhs_number", "surname", "forenames", "date_of_birth", "uprn")
"""Raw identifier columns: read from the source, turned into tokens, never written."""


def raw_layout(entity: contract.Entity) -> list[str]:
    """The entity's columns as the source must give them: the contract's, with each
    pseudonymised column replaced by the identifiers it is made from."""
    out: list[str] = []
    for name in entity.column_names:
        for column in DERIVED.get(name, (name,)):
            if column not in out:
                out.append(column)
    return out


def raw_required(entity: contract.Entity) -> set[str]:
    """Raw-layout columns that must not be null: the contract's required columns, and
    ``date_of_birth`` where ``birth_month`` is required."""
    required = {c.name for c in entity.columns if c.required}
    if "birth_month" in required:
        required = (required - {"birth_month"}) | {"date_of_birth"}
    return required


def raw_type(entity: contract.Entity, column: str) -> str:
    """The contract type a raw-layout value must have before pseudonymisation."""
    if column == "date_of_birth":
        return "date"
    if column in IDENTIFIERS:
        return "identifier"
    return next(c.type for c in entity.columns if c.name == column)


def window_start(extract_date: dt.date, years: int) -> dt.date:
    """The first day a record must reach to be in the snapshot: the extract date ``years``
    earlier (29 February becomes 28 February)."""
    try:
        return extract_date.replace(year=extract_date.year - years)
    except ValueError:
        return extract_date.replace(year=extract_date.year - years, day=28)


@dataclass(frozen=True)
class ColumnMapping:
    name: str
    sources: tuple[str, ...]  # "table.column"
    translate: str | None = None
    list_format: str | None = None  # "json" or a separator


@dataclass(frozen=True)
class EntityMapping:
    name: str
    query: str
    columns: tuple[ColumnMapping, ...]

    def column(self, name: str) -> ColumnMapping:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class SourceMapping:
    agency: str
    system: str
    title: str
    documentation: str
    window_years: int
    tables: dict[str, tuple[str, ...]]
    translations: dict[str, dict[str, str]]
    entities: dict[str, EntityMapping]
    path: str

    def tables_of(self, entity: str) -> list[str]:
        """The source tables an entity's columns come from, in mapping order."""
        named = {s.split(".")[0] for c in self.entities[entity].columns for s in c.sources}
        return [t for t in self.tables if t in named]


class MappingError(Exception):
    """A mapping that cannot be read or does not fit the contract."""


def _root():
    return resources.files(__package__).joinpath("sources")


def available() -> list[tuple[str, str]]:
    """(agency, system) of every mapping shipped with the project."""
    found = []
    for agency in contract.AGENCIES:
        folder = _root().joinpath(agency)
        if folder.is_dir():
            found += [(agency, p.name[:-4]) for p in folder.iterdir() if p.name.endswith(".yml")]
    return sorted(found)


def load(agency: str, system: str) -> SourceMapping:
    """The shipped mapping of ``agency``'s ``system``."""
    path = _root().joinpath(agency, f"{system}.yml")
    if not path.is_file():
        systems = [s for a, s in available() if a == agency] or ["none"]
        raise MappingError(
            f"no mapping for {agency} system {system!r}; shipped: {', '.join(systems)} "
            "(or pass --mapping FILE)"
        )
    return _cached(agency, system)


@cache
def _cached(agency: str, system: str) -> SourceMapping:
    path = _root().joinpath(agency, f"{system}.yml")
    return parse(path.read_text(), f"sources/{agency}/{system}.yml")


def load_file(path: Path) -> SourceMapping:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError(f"cannot read the mapping {path}: {exc.strerror}") from exc
    return parse(text, str(path))


def parse(text: str, where: str) -> SourceMapping:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MappingError(f"{where}: not valid YAML: {exc}") from exc
    required = ("agency", "system", "title", "documentation", "tables", "entities")
    missing = [k for k in required if not isinstance(doc, dict) or k not in doc]
    if missing:
        raise MappingError(f"{where}: missing {', '.join(missing)}")
    entities = {}
    for name, spec in (doc["entities"] or {}).items():
        if not isinstance(spec, dict) or "query" not in spec or "columns" not in spec:
            raise MappingError(f"{where}: entity {name} needs a query and columns")
        columns = []
        for column, how in spec["columns"].items():
            how = how if isinstance(how, dict) else {"from": how}
            sources = how.get("from")
            sources = tuple(sources) if isinstance(sources, list) else (str(sources),)
            columns.append(
                ColumnMapping(
                    str(column),
                    sources,
                    how.get("translate"),
                    None if how.get("list") is None else str(how["list"]),
                )
            )
        entities[str(name)] = EntityMapping(str(name), str(spec["query"]), tuple(columns))
    translations = {
        str(name): {_key(k): str(v) for k, v in (table or {}).items()}
        for name, table in (doc.get("translations") or {}).items()
    }
    return SourceMapping(
        agency=str(doc["agency"]),
        system=str(doc["system"]),
        title=str(doc["title"]),
        documentation=str(doc["documentation"]),
        window_years=int(doc.get("window_years", 6)),
        tables={str(t): tuple(str(c) for c in cols) for t, cols in doc["tables"].items()},
        translations=translations,
        entities=entities,
        path=where,
    )


def _key(value) -> str:
    """A translation key as the extract compares it: YAML's true/false and numbers as the
    text a source value becomes (see extract.as_text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def problems(mapping: SourceMapping) -> list[str]:
    """Every way the mapping does not fit the contract (empty when it fits)."""
    found: list[str] = []
    if mapping.agency not in contract.AGENCIES:
        return [f"unknown agency {mapping.agency!r}"]
    lists = contract.code_lists()
    expected = [e.name for e in contract.entities(mapping.agency)]
    for name in expected:
        if name not in mapping.entities:
            found.append(f"no mapping for the contract entity {name}")
    for name in mapping.entities:
        if name not in expected:
            found.append(f"entity {name} is not in the contract for {mapping.agency}")
    for e in contract.entities(mapping.agency):
        m = mapping.entities.get(e.name)
        if m is None:
            continue
        layout = raw_layout(e)
        named = [c.name for c in m.columns]
        for column in layout:
            if column not in named:
                found.append(f"{e.name}: no source for the contract column {column}")
        for column in named:
            if column not in layout:
                found.append(f"{e.name}: {column} is not a column of the contract")
        for c in m.columns:
            if c.name not in layout:
                continue
            for source in c.sources:
                table, _, col = source.partition(".")
                if table not in mapping.tables or col not in mapping.tables[table]:
                    found.append(
                        f"{e.name}.{c.name}: its source {source} is not listed under tables"
                    )
            kind = raw_type(e, c.name)
            spec = next((x for x in e.columns if x.name == c.name), None)
            if c.list_format is not None and kind != "code_list":
                found.append(f"{e.name}.{c.name}: list is only for lists of codes")
            if c.translate is None:
                continue
            if c.translate not in mapping.translations:
                found.append(f"{e.name}.{c.name}: no translation named {c.translate}")
                continue
            allowed: tuple[str, ...] | None = None
            if kind == "yn":
                allowed = ("Y", "N")
            elif spec is not None and spec.codes:
                allowed = lists[spec.codes]
            if allowed is None:
                continue
            for source_value, code in mapping.translations[c.translate].items():
                if code not in allowed:
                    found.append(
                        f"{e.name}.{c.name}: translation {c.translate} turns {source_value!r} "
                        f"into {code!r}, which the contract does not know "
                        f"(allowed: {' '.join(allowed)})"
                    )
    return found
