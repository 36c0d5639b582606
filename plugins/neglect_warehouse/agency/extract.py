"""``neglect-warehouse extract``: one agency's delivery read from its own system through a
source mapping (:mod:`neglect_warehouse.agency.mapping`), pseudonymised at source and written
atomically with its manifest, exactly as ``pseudonymise`` writes one from a raw extract.

The source is any SQLAlchemy URL (SQL Server, PostgreSQL, DuckDB, …). Rows are streamed in
bounded batches (server-side cursors where the driver has them), so memory does not grow with
the source. Every value is checked on the way: a missing table or column, a code with no
translation, a null where the contract requires a value, a value of the wrong type, or a
source that goes away mid-read is named with its system, entity, table, column and source key
in the extract's report, and the extract then writes no manifest (nothing is delivered).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neglect_warehouse.agency import mapping as mappings
from neglect_warehouse.agency.delivery import write_delivery
from neglect_warehouse.agency.pseudonymise import pseudonymise_rows
from neglect_warehouse.shared import contract

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import Select
    from sqlalchemy.engine import Connection, Engine

BATCH_ROWS = 20_000
EXAMPLES = 20  # problems listed per (entity, column, kind); all are counted
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?")


@dataclass
class Problem:
    """One problem of a source, as the report shows it. ``kind`` is one of missing_table,
    missing_column, unreadable_table, query_failed, wrong_columns, untranslated_code,
    unknown_code, missing_required, wrong_type, source_lost, or mapping (a mapping that
    does not fit the contract; docs/extract.md)."""

    kind: str
    entity: str
    tables: str
    column: str
    source_key: str
    value: str
    message: str


@dataclass
class ExtractReport:
    agency: str
    system: str
    extract_date: str
    status: str = "running"
    rows: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # "entity.column.kind" -> count
    manifest: str | None = None
    seconds: float = 0.0

    def add(self, problem: Problem, count: int = 1) -> None:
        """Count ``count`` problems like ``problem``; keep it as an example while fewer than
        EXAMPLES of its entity, column and kind are kept."""
        key = f"{problem.entity}.{problem.column}.{problem.kind}"
        shown = sum(
            1
            for p in self.problems
            if (p.entity, p.column, p.kind) == (problem.entity, problem.column, problem.kind)
        )
        self.counts[key] = self.counts.get(key, 0) + count
        if shown < EXAMPLES:
            self.problems.append(problem)

    def as_dict(self) -> dict:
        return {
            "agency": self.agency,
            "system": self.system,
            "extract_date": self.extract_date,
            "status": self.status,
            "seconds": round(self.seconds, 1),
            "manifest": self.manifest,
            "rows": self.rows,
            "problem_counts": self.counts,
            "problems": [p.__dict__ for p in self.problems],
        }

    def summary(self) -> str:
        """What a data engineer reads first: one line per kind of problem, with examples."""
        lines = [f"{self.agency} extract from {self.system} for {self.extract_date}: {self.status}"]
        for key, count in self.counts.items():
            entity, column, kind = key.split(".")
            example = next(
                p for p in self.problems if (p.entity, p.column, p.kind) == (entity, column, kind)
            )
            lines.append(f"- {count:,} × {example.message}")
        return "\n".join(lines)


class ExtractError(Exception):
    """The extract could not make a conforming delivery; nothing was delivered."""

    def __init__(self, report: ExtractReport):
        super().__init__(report.summary())
        self.report = report


class _SourceLost(Exception):
    pass


def as_text(value: Any) -> str | None:
    """A source value as the text the mapping's translations and the contract compare."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, decimal.Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value.normalize())
    if isinstance(value, dt.datetime):
        return value.isoformat(sep="T", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _dated_text(values: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """Dates (``kind`` date) or date-times (``datetime``) as contract text, and a mask of
    values that are not of that type."""
    import numpy as np
    import pandas as pd

    if pd.api.types.infer_dtype(values, skipna=True) in ("date", "datetime", "datetime64"):
        stamps = pd.to_datetime(values, errors="coerce").to_numpy().astype("datetime64[m]")
        text = np.datetime_as_string(stamps, unit="D" if kind == "date" else "m")
        out_fast = pd.Series(text, index=values.index, dtype=object)
        return out_fast.where(values.notna(), None), pd.Series(False, index=values.index)
    width = 10 if kind == "date" else 16
    out: list[str | None] = []
    bad: list[bool] = []
    for v in values.to_numpy():
        if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
            out.append(None)
            bad.append(False)
        elif isinstance(v, dt.datetime | pd.Timestamp | np.datetime64):
            text = pd.Timestamp(v).isoformat()
            out.append(text[:width] if kind == "datetime" else text[:10])
            bad.append(False)
        elif isinstance(v, dt.date):
            text = v.isoformat()
            out.append(text if kind == "date" else text + "T00:00")
            bad.append(False)
        elif isinstance(v, str) and (_DATE if kind == "date" else _DATETIME).fullmatch(v):
            try:
                parsed = dt.datetime.fromisoformat(v.replace(" ", "T"))
            except ValueError:
                out.append(None)
                bad.append(True)
                continue
            out.append(parsed.date().isoformat() if kind == "date" else parsed.isoformat()[:16])
            bad.append(False)
        else:
            out.append(None)
            bad.append(True)
    return pd.Series(out, index=values.index, dtype=object), pd.Series(bad, index=values.index)


def _as_text_series(values: pd.Series) -> pd.Series:
    """Source values as text (an empty string is a null, as it is in a delivered file)."""
    import pandas as pd

    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in ("string", "empty"):
        return values.astype(object).where(values.notna() & (values != ""), None)
    present = values.notna()
    if kind == "integer":
        return values.astype(object).where(present, None).map(str, na_action="ignore")
    if kind == "boolean":
        return values.map({True: "true", False: "false"}).astype(object).where(present, None)
    return values.map(as_text).map(lambda v: v or None).astype(object)


def _pattern_failures(text: pd.Series, pattern: str) -> pd.Series:
    """True where a (non-null) value does not match ``pattern`` in full. A pattern that can
    never match a line break is tried once on all values joined by line breaks (one regular
    expression over one string); only when that fails is each value tried."""
    import pandas as pd

    values = text.dropna()
    if values.empty:
        return pd.Series(False, index=text.index)
    if "." not in pattern and "\\s" not in pattern and "[^" not in pattern:
        joined = "\n".join(values.to_numpy().tolist())
        if re.fullmatch(f"(?:{pattern})(?:\n(?:{pattern}))*", joined):
            return pd.Series(False, index=text.index)
    compiled = re.compile(pattern)
    bad = values.map(lambda v: compiled.fullmatch(v) is None).astype(bool)
    return bad.reindex(text.index, fill_value=False)


class _Batch:
    """One batch of an entity: the raw-layout frame being checked and converted."""

    def __init__(self, frame, entity, m, mapping, report, offset: int = 0):
        self.frame = frame
        self.offset = offset  # rows of the query before this batch
        self.entity = entity
        self.m = m
        self.mapping = mapping
        self.report = report
        self.keys = list(entity.primary_key)

    def problem(self, mask, column: str, kind: str, message: Callable[[str], str], values=None):
        """Report the rows of ``mask``; ``values`` (a Series, or a callable giving one, so
        that nothing is computed for a clean batch) holds what to show of each."""
        count = int(mask.sum())
        if not count:
            return
        where = self.frame.index[mask.to_numpy()]
        if callable(values):
            values = values()
        for n, i in enumerate(where[:EXAMPLES]):
            key = self.source_key(i)
            value = "" if values is None or column in mappings.IDENTIFIERS else str(values.at[i])
            problem = Problem(
                kind,
                self.entity.name,
                " ".join(self.m.column(column).sources),
                column,
                key,
                value[:60],
                message(value),
            )
            self.report.add(problem, count if n == 0 else 0)

    def source_key(self, i) -> str:
        """The record's key as the source holds it, or its row number in the query's result
        when the key itself is missing."""
        values = [self.frame.at[i, k] for k in self.keys]
        if any(v is None or (isinstance(v, float) and v != v) for v in values):
            return f"(row {self.offset + self.frame.index.get_loc(i) + 1} of the query)"
        return "|".join(as_text(v) or "" for v in values)

    def convert(self) -> None:
        lists = contract.code_lists()
        required = mappings.raw_required(self.entity)
        system = self.mapping.system
        # keys first: the other columns' problems name them
        order = self.keys + [c for c in self.frame.columns if c not in self.keys]
        for column in order:
            self._convert(column, lists, required, system)

    def _convert(self, column: str, lists, required, system: str) -> None:
        """Check one column and replace it with its contract text; each value that fails a
        check is reported (and becomes null, so it is not reported again as missing)."""
        import pandas as pd

        how = self.m.column(column)
        kind = mappings.raw_type(self.entity, column)
        spec = next((c for c in self.entity.columns if c.name == column), None)
        src = " ".join(how.sources)
        where = f"contract column {self.entity.name}.{column}"
        raw = self.frame[column]
        failed = pd.Series(False, index=raw.index)
        if kind in ("date", "datetime"):
            text, bad = _dated_text(raw, kind)
            self.problem(
                bad,
                column,
                "wrong_type",
                lambda v: f"{system} {src}: {v or 'a value'!r} is not a {kind} ({where})",
                lambda: raw.map(as_text),
            )
            failed |= bad
        else:
            text = _as_text_series(raw)
            if how.list_format is not None:
                text, bad = self._split(text, how)
                self.problem(
                    bad,
                    column,
                    "wrong_type",
                    lambda v: f"{system} {src}: {v!r} is not a list of codes",
                    lambda: raw.map(as_text),
                )
                failed |= bad
            elif how.translate is not None:
                text, bad, shown = self._translate(text, how.translate)
                self.problem(
                    bad,
                    column,
                    "untranslated_code",
                    lambda v: (
                        f"{system} {src}: the code {v!r} has no translation in "
                        f"{how.translate} ({where})"
                    ),
                    shown,
                )
                failed |= bad
            allowed = None
            if kind == "yn":
                allowed = ("Y", "N")
            elif spec is not None and spec.codes and kind == "code":
                allowed = lists[spec.codes]
            if allowed is not None:
                bad = text.notna() & ~text.isin(allowed)
                if bad.any():
                    self.problem(
                        bad,
                        column,
                        "unknown_code",
                        lambda v: (
                            f"{system} {src}: {v!r} is not in the contract's list for "
                            f"{self.entity.name}.{column} ({' '.join(allowed)}); add a "
                            "translation to the mapping"
                        ),
                        text,
                    )
                    text = text.where(~bad, None)
                    failed |= bad
            pattern = None if kind == "identifier" else contract.column_type(kind).pattern
            if pattern and kind not in ("code", "code_list", "yn"):
                bad = _pattern_failures(text, pattern)
                if bad.any():
                    expected = contract.column_type(kind).expected
                    self.problem(
                        bad,
                        column,
                        "wrong_type",
                        lambda v: (
                            f"{system} {src}: {v or 'the value'!r} is not {expected} ({where})"
                        ),
                        text,
                    )
                    text = text.where(~bad, None)
                    failed |= bad
        if column in required:
            self.problem(
                text.isna() & ~failed,
                column,
                "missing_required",
                lambda v: (
                    f"{system} {src}: null, but the contract requires {self.entity.name}.{column}"
                ),
            )
        self.frame[column] = text

    def _translate(self, text, name: str):
        """(contract codes, untranslated mask, the source values to show). A value is looked
        up as it is, then without surrounding blanks (SQL Server pads CHAR columns)."""
        table = self.mapping.translations[name]
        translated = text.map(table)
        bad = text.notna() & translated.isna()
        if bad.any():
            stripped = text[bad].map(str.strip)
            translated[bad] = stripped.map(table)
            bad = text.notna() & translated.isna()
        return translated.astype(object).where(translated.notna(), None), bad, text

    def _split(self, text, how):
        import pandas as pd

        table = self.mapping.translations.get(how.translate) if how.translate else None
        out: list[str | None] = []
        bad: list[bool] = []
        for v in text.to_numpy():
            if v is None:
                out.append(None)
                bad.append(False)
                continue
            try:
                items = json.loads(v) if how.list_format == "json" else v.split(how.list_format)
                if not isinstance(items, list):
                    raise ValueError
                items = [str(i).strip() for i in items if str(i).strip()]
            except ValueError:
                out.append(None)
                bad.append(True)
                continue
            if table is not None:
                items = [table.get(i, i) for i in items]
            out.append(";".join(items) if items else None)
            bad.append(False)
        return (
            pd.Series(out, index=text.index, dtype=object),
            pd.Series(bad, index=text.index),
        )


def _check_list_codes(frame, entity, m, mapping, report, offset: int) -> None:
    """Each code in a list column must be in the contract's list."""
    lists = contract.code_lists()
    for spec in entity.columns:
        if spec.type != "code_list" or spec.name not in frame:
            continue
        if not spec.codes:
            continue
        allowed = set(lists[spec.codes])
        values = frame[spec.name]

        def outside(v: object, allowed: set[str] = allowed) -> bool:
            return isinstance(v, str) and any(code not in allowed for code in v.split(";"))

        sources = " ".join(m.column(spec.name).sources)
        message = (
            f"{mapping.system} {sources}: {{!r}} holds a code that is not in the contract's "
            f"list {spec.codes}; add a translation"
        )
        _Batch(frame, entity, m, mapping, report, offset).problem(
            values.map(outside).astype(bool),
            spec.name,
            "unknown_code",
            message.format,
            values,
        )


def query_parameters(extract_date: dt.date, window_years: int, dialect: str) -> dict:
    """The bind parameters every mapping query gets (docs/extract.md)."""
    params: dict = {
        "extract_date": extract_date,
        "window_start": mappings.window_start(extract_date, window_years),
        "day_after": extract_date + dt.timedelta(days=1),
    }
    if dialect == "mssql":
        # SQL Server reads 'YYYY-MM-DD' by the login's language when it compares it with a
        # DATETIME column (a British login takes 2026-10-03 for 10 March); 'YYYYMMDD' is
        # read the same way by every login and every date type
        params = {name: value.strftime("%Y%m%d") for name, value in params.items()}
    return params


DUCKDB_MEMORY_LIMIT = "250MB"
"""A DuckDB source runs inside the extract's own process: its memory is bounded so that the
queries' sorts and joins spill to a temporary folder instead of growing with the source
(docs/benchmarks.md: the whole extract stays under 600 MB on ``region``)."""


def _engine(source: str | Engine, spill: Path) -> Engine:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    if not isinstance(source, str):
        return source
    if make_url(source).get_backend_name() == "duckdb":
        config = {"memory_limit": DUCKDB_MEMORY_LIMIT, "temp_directory": str(spill)}
        return create_engine(source, connect_args={"config": config})
    return create_engine(source)


def _check_source(conn: Connection, mapping: mappings.SourceMapping, report) -> None:
    """Every table and column the mapping reads must be in the source."""
    from sqlalchemy import false, inspect, literal_column, select
    from sqlalchemy import table as sql_table
    from sqlalchemy.exc import DBAPIError

    inspector = inspect(conn)
    tables = {t.lower(): t for t in inspector.get_table_names()}
    tables.update({v.lower(): v for v in inspector.get_view_names()})
    for table, columns in mapping.tables.items():
        users = [e for e in mapping.entities if table in mapping.tables_of(e)] or ["-"]
        if table.lower() not in tables:
            report.add(
                Problem(
                    "missing_table",
                    ", ".join(users),
                    table,
                    "",
                    "",
                    "",
                    f"{mapping.system}: the table {table} is not in the source "
                    f"(read for {', '.join(users)})",
                )
            )
            continue
        # the columns of an empty select, not Inspector.get_columns: duckdb-engine's
        # reflection queries pg_catalog tables DuckDB 1.5 does not have (docs/decisions.md)
        probe: Select = select(literal_column("*")).select_from(sql_table(tables[table.lower()]))
        try:
            empty = conn.execute(probe.where(false()))
        except DBAPIError as exc:  # the table is there but this login may not read it
            conn.rollback()
            report.add(
                Problem(
                    "unreadable_table",
                    ", ".join(users),
                    table,
                    "",
                    "",
                    "",
                    f"{mapping.system}: the login cannot read the table {table}: "
                    f"{str(exc.orig).strip().splitlines()[0]}",
                )
            )
            continue
        have = {c.lower() for c in empty.keys()}  # noqa: SIM118
        for column in columns:
            if column.lower() not in have:
                report.add(
                    Problem(
                        "missing_column",
                        ", ".join(users),
                        table,
                        column,
                        "",
                        "",
                        f"{mapping.system}: the table {table} has no column {column}",
                    )
                )


def _batches(conn: Connection, sql: str, params: dict, batch_rows: int) -> Iterator[tuple]:
    """(column names, rows) batches of a query, streamed with a server-side cursor."""
    from sqlalchemy import text

    result = conn.execution_options(stream_results=True, max_row_buffer=batch_rows).execute(
        text(sql), params
    )
    columns = list(result.keys())
    for rows in result.partitions(batch_rows):
        yield columns, rows


def extract(
    source: str | Engine,
    mapping: mappings.SourceMapping,
    extract_date: dt.date,
    landing: Path,
    key: bytes,
    key_id: str,
    *,
    batch_rows: int = BATCH_ROWS,
    progress: Callable[[str, int, int], None] | None = None,
) -> ExtractReport:
    """Extract, pseudonymise and deliver one agency's snapshot; returns the report. Raises
    :class:`ExtractError` (with the report) when no conforming delivery could be made."""
    spill = Path(tempfile.mkdtemp(prefix="extract-spill-"))
    try:
        engine = _engine(source, spill)
        return _extract(engine, mapping, extract_date, landing, key, key_id, batch_rows, progress)
    finally:
        shutil.rmtree(spill, ignore_errors=True)


def _extract(
    engine: Engine,
    mapping: mappings.SourceMapping,
    extract_date: dt.date,
    landing: Path,
    key: bytes,
    key_id: str,
    batch_rows: int,
    progress: Callable[[str, int, int], None] | None,
) -> ExtractReport:

    import pandas as pd
    from sqlalchemy.exc import DBAPIError

    started = time.perf_counter()
    report = ExtractReport(mapping.agency, mapping.system, extract_date.isoformat())
    broken = mappings.problems(mapping)
    if broken:
        for p in broken:
            report.add(Problem("mapping", "", mapping.path, "", "", "", p))
        report.status = "failed: the mapping does not fit the contract"
        raise ExtractError(report)
    params = query_parameters(extract_date, mapping.window_years, engine.dialect.name)
    entities = contract.entities(mapping.agency)
    done = 0

    def write(entity: contract.Entity, target: Path) -> int:
        nonlocal done
        m = mapping.entities[entity.name]
        layout = mappings.raw_layout(entity)
        wanted = entity.column_names
        rows = 0
        first = True
        last_key = "(none yet)"
        try:
            with engine.connect() as conn, open(target, "w", encoding="utf-8", newline="") as out:
                for columns, batch in _batches(conn, m.query, params, batch_rows):
                    if [c.lower() for c in columns] != layout:
                        report.add(
                            Problem(
                                "wrong_columns",
                                entity.name,
                                " ".join(mapping.tables_of(entity.name)),
                                "",
                                "",
                                "",
                                f"{mapping.system}: the query for {entity.name} returned "
                                f"{', '.join(columns)}; it must return {', '.join(layout)}",
                            )
                        )
                        return 0
                    # column by column: DataFrame.from_records probes every Row object
                    frame = pd.DataFrame(
                        {
                            name: pd.Series(values, dtype=object)
                            for name, values in zip(layout, zip(*batch, strict=True), strict=True)
                        }
                    )
                    _Batch(frame, entity, m, mapping, report, rows).convert()
                    _check_list_codes(frame, entity, m, mapping, report, rows)
                    if frame[entity.primary_key[0]].notna().any():
                        last_key = str(frame[entity.primary_key[0]].dropna().iloc[-1])
                    rows += len(frame)
                    if report.counts:
                        continue  # keep checking, stop writing: nothing will be delivered
                    out_frame = pseudonymise_rows(frame, key, wanted)
                    out_frame.to_csv(out, index=False, header=first, lineterminator="\n")
                    first = False
                if first:
                    out.write(",".join(wanted) + "\n")
        except DBAPIError as exc:
            if rows == 0 and not exc.connection_invalidated:
                report.add(
                    Problem(
                        "query_failed",
                        entity.name,
                        " ".join(mapping.tables_of(entity.name)),
                        "",
                        "",
                        "",
                        f"{mapping.system}: the query for {entity.name} failed: "
                        f"{str(exc.orig).strip().splitlines()[0]}",
                    )
                )
            else:
                report.add(
                    Problem(
                        "source_lost",
                        entity.name,
                        " ".join(mapping.tables_of(entity.name)),
                        "",
                        last_key,
                        "",
                        f"{mapping.system}: the source went away while reading {entity.name} "
                        f"after {rows:,} rows (last source key {last_key}): "
                        f"{str(exc.orig).strip().splitlines()[0]}",
                    )
                )
                raise _SourceLost from exc
        report.rows[entity.name] = rows
        done += 1
        if progress:
            progress(f"extracting {mapping.agency} from {mapping.system}", done, len(entities))
        return rows

    def before_manifest() -> None:
        if report.counts:
            raise ExtractError(report)

    try:
        with engine.connect() as conn:
            _check_source(conn, mapping, report)
        if report.counts:
            raise ExtractError(report)
        manifest = write_delivery(
            mapping.agency, extract_date, landing, key_id, write, before_manifest
        )
    except (ExtractError, _SourceLost):
        report.status = "failed: nothing delivered"
        report.seconds = time.perf_counter() - started
        raise ExtractError(report) from None
    except DBAPIError as exc:
        report.add(
            Problem(
                "source_lost",
                "",
                "",
                "",
                "",
                "",
                f"{mapping.system}: cannot read the source: "
                f"{str(exc.orig).strip().splitlines()[0]}",
            )
        )
        report.status = "failed: nothing delivered"
        report.seconds = time.perf_counter() - started
        raise ExtractError(report) from None
    report.status = "delivered"
    report.manifest = str(manifest)
    report.seconds = time.perf_counter() - started
    return report


def write_report(report: ExtractReport, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.as_dict(), indent=2) + "\n", encoding="utf-8")
    return path
