"""Reading a delivered file with the contract's explicit schema (never type detection) into
DuckDB, and telling apart rows that load from rows that are rejected (extracts.md §3a).

Every column is read as text exactly as delivered; the contract's types are then checked in
SQL, set-based, so a row's problems are all found in one pass with their line numbers."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from neglect_warehouse.partnership.ingest.files import escaped, shown
from neglect_warehouse.partnership.ingest.findings import REJECT, Finding
from neglect_warehouse.shared import contract


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass
class ReadResult:
    """A parsed file: ``table`` holds the accepted rows, ``parsed`` every parsed row."""

    entity: contract.Entity
    table: str  # accepted rows (_line + contract columns), in the attached ``work`` database
    parsed: str  # every parsed row (for identifier scans)
    bad: str  # the parsed rows that failed a row check
    rows_in: int
    rows_loaded: int
    rejected: list[Finding] = field(default_factory=list)  # one or more per rejected row
    rejected_rows: int = 0
    structural_lines: list[tuple[int, str]] = field(default_factory=list)  # (line, raw text)
    scratch: list[str] = field(default_factory=list)  # work views and tables to drop, in order

    def drop(self, con) -> None:
        for statement in self.scratch:
            con.execute(statement)
        self.scratch.clear()


def _record_start_lines(path: Path) -> list[int]:
    """Physical line on which each data record starts (records may hold line breaks)."""
    starts = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        previous = 0
        for _ in reader:
            starts.append(previous + 1)
            previous = reader.line_num
    return starts[1:]  # drop the header


def read_file(
    con,
    path: Path | str,
    entity: contract.Entity,
    header: list[str],
    tag: str,
    name: str | None = None,
) -> ReadResult:
    """Parse ``path`` into tables of the ``work`` database named after ``tag`` and check every
    row. ``path`` is where to read (``/proc/self/fd/N`` of a file ingest opened, so the file
    hashed is the file read); ``name`` is the delivered file's name for the findings."""
    path = Path(path)
    name = name or path.name
    raw, rejects, scans = f"work.raw_{tag}", f"rej_{tag}", f"rejscan_{tag}"
    columns = "{" + ", ".join(f"{lit(c)}: 'VARCHAR'" for c in header) + "}"
    con.execute(f"drop table if exists {rejects}; drop table if exists {scans}")
    con.execute(f"""
        create or replace table {raw} as
        select * from read_csv({lit(str(path))}, columns = {columns}, header = true,
            auto_detect = false, delim = ',', quote = '"', escape = '"', strict_mode = true,
            null_padding = false, store_rejects = true, rejects_table = '{rejects}',
            rejects_scan = '{scans}', max_line_size = 4194304)""")
    structural = con.execute(
        f"select line, any_value(error_type), any_value(error_message), any_value(csv_line), "
        f"any_value(column_name) from {rejects} group by line order by line"
    ).fetchall()
    rejected_lines = [r[0] for r in structural]
    parsed_rows = con.execute(f"select count(*) from {raw}").fetchone()[0]
    breaks = (
        " or ".join(f"contains({q(c)}, chr(10)) or contains({q(c)}, chr(13))" for c in header)
        or "false"
    )
    has_breaks = con.execute(f"select count(*) from {raw} where {breaks}").fetchone()[0] > 0

    # Line numbers of parsed rows: the physical line each record starts on.
    parsed = f"work.parsed_{tag}"
    selected = ", ".join(q(c) for c in entity.column_names)
    if not has_breaks and not rejected_lines:  # the common case: line = row + 1
        con.execute(
            f"create or replace view {parsed} as select {selected}, rowid + 2 as _line from {raw}"
        )
    else:
        if not has_breaks:  # data lines are 2, 3, …, minus the rejected ones
            total = parsed_rows + len(rejected_lines)
            con.execute(f"""create or replace table work.lines_{tag} as
                select row_number() over (order by line) - 1 as ordinal, line
                from range(2, {total + 2}) t(line)
                where line not in (select unnest({rejected_lines}::bigint[]))""")
        else:
            starts = [s for s in _record_start_lines(path) if s not in set(rejected_lines)]
            con.execute(f"create or replace table work.lines_{tag} (ordinal bigint, line bigint)")
            con.executemany(f"insert into work.lines_{tag} values (?, ?)", list(enumerate(starts)))
        con.execute(f"""create or replace table {parsed} as
            select {selected}, l.line as _line
            from (select rowid as ordinal, * from {raw}) as r
            join work.lines_{tag} as l using (ordinal)
            order by l.line""")
        con.execute(f"drop table {raw}; drop table work.lines_{tag}")

    # Row checks: required values and types (a boolean first; the reasons only for bad rows),
    # then repeated keys (every occurrence after the first).
    # (condition, column, rule, message or None: the value is quoted)
    problems: list[tuple[str, str, str, str | None]] = []
    for c in entity.columns:
        col = q(c.name)
        if c.required:
            problems.append(
                (f"{col} is null", c.name, "missing_required_value", "required value missing")
            )
        # the type's text pattern (extracts.md §2; contract column_types). Codes are not
        # rejected here: a code outside its list is loaded and reported as a validity breach
        # (by the GX suites).
        kind = contract.column_type(c.type)
        pattern = kind.pattern
        if pattern:
            check = f"not regexp_full_match({col}, {lit(pattern)})"
            if kind.parse:
                check = f"({check} or {kind.parse.format(c=col)} is null)"
            problems.append((f"({col} is not null and {check})", c.name, f"bad_{c.type}", None))
    if entity.name == "persons":
        problems.append(
            (
                "(person_token is null and person_alt_token is null)",
                "person_token",
                "no_token",
                "neither person_token nor person_alt_token is set",
            )
        )
    bad = " or ".join(p[0] for p in problems) or "false"
    key = ", ".join(q(k) for k in entity.primary_key)
    key_match = " and ".join(f"p.{q(k)} = d.{q(k)}" for k in entity.primary_key)
    dups, accepted, bad_rows = f"work.dups_{tag}", f"work.acc_{tag}", f"work.bad_{tag}"
    # One pass finds the rows with a problem (rare); the reasons are worked out on those alone.
    con.execute(f"create or replace table {bad_rows} as select * from {parsed} where {bad}")
    con.execute(f"""create or replace table {dups} as
        select {key}, min(_line) as first_line from {parsed}
        group by {key} having count(*) > 1""")
    con.execute(f"""create or replace table {accepted} as
        select _line, {selected} from {parsed} as p
        where _line not in (select _line from {bad_rows}) and not exists (
            select 1 from {dups} as d where {key_match} and p._line > d.first_line)""")
    findings = []
    action = "correct the value at source and re-send the delivery"
    details = " union all ".join(
        f"select _line, {lit(col)}, {lit(rule)}, left({q(col)}, 41) from {bad_rows} where {cond}"
        for cond, col, rule, _ in problems
    )
    messages = {(col, rule): message for _, col, rule, message in problems}
    types = {c.name: c.type for c in entity.columns}
    if details:
        for line, col, rule, value in con.execute(
            f"select * from ({details}) order by 1, 2"
        ).fetchall():
            msg = messages[(col, rule)] or (
                f"value {shown(value, 40)} is not {contract.column_type(types[col]).expected}"
            )
            findings.append(Finding(REJECT, rule, msg, action, name, line, col))
    keyvalue = "concat_ws('|', " + ", ".join(f"p.{q(k)}" for k in entity.primary_key) + ")"
    for line, value in con.execute(f"""
            select p._line, {keyvalue}
            from {parsed} as p join {dups} as d on {key_match}
            where p._line > d.first_line
              and p._line not in (select _line from {bad_rows}) order by 1""").fetchall():
        findings.append(
            Finding(
                REJECT,
                "repeated_id",
                f"{'/'.join(entity.primary_key)} {value} repeats an earlier row",
                "send each record once",
                name,
                line,
                entity.primary_key[0],
            )
        )
    for line, error_type, message, _text, col in structural:
        findings.append(
            Finding(
                REJECT,
                "malformed_row",
                f"{error_type.lower()}: {escaped(message)}",
                "fix the row's quoting or number of fields",
                name,
                line,
                col,
            )
        )
    con.execute(f"drop table {dups}")
    loaded = con.execute(f"select count(*) from {accepted}").fetchone()[0]
    rows_in = parsed_rows + len(rejected_lines)
    parsed_kind = "view" if not has_breaks and not rejected_lines else "table"
    scratch = [
        f"drop table if exists {bad_rows}",
        f"drop table if exists {accepted}",
        f"drop {parsed_kind} if exists {parsed}",
        f"drop table if exists {raw}",
    ]
    return ReadResult(
        entity,
        accepted,
        parsed,
        bad_rows,
        rows_in,
        loaded,
        findings,
        rows_in - loaded,
        [(r[0], r[3]) for r in structural],
        scratch,
    )
