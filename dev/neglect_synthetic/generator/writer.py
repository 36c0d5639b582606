"""Writing extract frames as CSV (RFC 4180, ``\\n`` line ends, empty field = null) with
DuckDB, which formats dates and record ids in parallel. Large partnerships are written in
parts (one per chunk of households) and joined at the end, so memory stays bounded."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from neglect_synthetic.generator.snapshot import ID_PREFIX
from neglect_warehouse.shared.contract import entity as contract_entity

FORMATS = {"date": "%Y-%m-%d", "datetime": "%Y-%m-%dT%H:%M", "month": "%Y-%m"}
RAW_PERSON_TYPES = {"date_of_birth": "date"}


def column_types(agency: str, name: str) -> dict[str, str]:
    if agency == "reference":
        return {}
    types = {c.name: c.type for c in contract_entity(agency, name).columns}
    if name == "persons":
        types.update(RAW_PERSON_TYPES)
    return types


def select_list(agency: str, name: str, frame: pd.DataFrame) -> str:
    """SQL expressions that turn a typed frame into the agency's text columns."""
    types = column_types(agency, name)
    parts = []
    for column in frame.columns:
        kind = types.get(column)
        prefix = ID_PREFIX.get((agency, column))
        quoted = f'"{column}"'
        if prefix is not None and pd.api.types.is_integer_dtype(frame[column]):
            parts.append(f"case when {quoted} >= 0 then '{prefix}' || {quoted} end as {quoted}")
        elif kind in FORMATS:
            parts.append(f"strftime({quoted}, '{FORMATS[kind]}') as {quoted}")
        else:
            parts.append(f"cast({quoted} as varchar) as {quoted}")
    return ", ".join(parts)


class CsvParts:
    """Accumulates one output file from parts written chunk by chunk."""

    def __init__(self, con, work_dir: Path):
        self.con = con
        self.work_dir = work_dir
        self.parts: dict[Path, list[Path]] = {}
        self.rows: dict[Path, int] = {}

    def stage(self, agency: str, name: str, frame: pd.DataFrame, target: Path) -> str:
        """Load a frame as text into a DuckDB table (for defect injection) and return its name."""
        table = f"t_{agency}_{name}"
        self.con.register("frame", frame)
        self.con.execute(
            f"create or replace temp table {table} as "
            f"select {select_list(agency, name, frame)} from frame"
        )
        self.con.unregister("frame")
        return table

    def flush(self, table: str, target: Path) -> None:
        parts = self.parts.setdefault(target, [])
        part = self.work_dir / f"{target.name}.part{len(parts):04d}"
        count = self.con.execute(
            f"copy (select * from {table} order by rowid) to '{part}' "
            "(header, delimiter ',', quote '\"')"
        ).fetchone()[0]
        self.con.execute(f"drop table {table}")
        parts.append(part)
        self.rows[target] = self.rows.get(target, 0) + int(count)

    def finish(self) -> dict[Path, int]:
        """Join every file's parts into one file sorted by its record key (the contract's
        primary key, as text), so that a delivery's row order does not depend on how the
        households were chunked, and equals what ``neglect-warehouse extract`` writes (its
        source queries order by the same key); then move it into place."""
        for target, parts in self.parts.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name("." + target.name + ".tmp")
            agency, name = target.name.split("__")[:2]
            keys = ", ".join(f'"{k}"' for k in contract_entity(agency, name).primary_key)
            listed = ", ".join(f"'{p}'" for p in parts)
            self.con.execute(
                f"copy (select * from read_csv([{listed}], header = true, all_varchar = true, "
                f"delim = ',', quote = '\"', escape = '\"') order by {keys}) "
                f"to '{tmp}' (header, delimiter ',', quote '\"')"
            )
            for part in parts:
                part.unlink()
            tmp.replace(target)
        return self.rows


def write_small_csv(path: Path, frame: pd.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n")
