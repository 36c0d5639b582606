"""One delivery from landing folder to warehouse, ending in exactly one state
(spec/outputs.md §1): LOADED, LOADED_WITH_WARNINGS, QUARANTINED, DUPLICATE or INCOMPLETE.

The order of work is: manifest → completeness → every file's sha256, encoding and header →
parse with the contract's schema and check every row → raw-identifier scan → rejection
threshold → Great Expectations suites → consistency rules (§6) → one transaction that makes
the whole delivery visible at once. Anything that quarantines stops before the transaction,
so a quarantined delivery never changes the raw tables.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from neglect_warehouse import contract
from neglect_warehouse.ingest import landing as L
from neglect_warehouse.ingest.findings import QUARANTINE, REJECT, VALIDITY, Finding
from neglect_warehouse.ingest.findings import Quarantine as QuarantineError
from neglect_warehouse.ingest.read import ReadResult, lit, q, read_file
from neglect_warehouse.ingest.rules import (
    breach_findings,
    consistency_breaches,
    identifier_breaches,
    install_macros,
)
from neglect_warehouse.warehouse import Target, Warehouse, raw_table

LOADED, WARNINGS, QUARANTINED = "LOADED", "LOADED_WITH_WARNINGS", "QUARANTINED"
DUPLICATE, INCOMPLETE = "DUPLICATE", "INCOMPLETE"
FINAL = (LOADED, WARNINGS, QUARANTINED)
DEFAULT_REJECT_THRESHOLD = 0.05
KILL_ENV = "NEGLECT_WAREHOUSE_KILL_AT"  # tests: SIGKILL ourselves at the N-th checkpoint
_checkpoints = 0


def checkpoint() -> None:
    """A point where the kill test may stop the process (SIGKILL, no clean-up at all)."""
    global _checkpoints
    _checkpoints += 1
    if os.environ.get(KILL_ENV) == str(_checkpoints):
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class Outcome:
    agency: str
    extract_date: dt.date
    delivery_id: str
    state: str
    findings: list[Finding] = field(default_factory=list)
    rows_in: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    report: Path | None = None

    def summary(self) -> str:
        text = (
            f"{self.agency} {self.extract_date} [{self.delivery_id}] {self.state}: "
            f"{self.rows_loaded:,} rows loaded, {self.rows_rejected:,} rejected"
        )
        worst = [f for f in self.findings if f.severity in (QUARANTINE, REJECT)]
        for f in worst[:5]:
            text += "\n    " + f.sentence()
        if len(worst) > 5:
            text += f"\n    … and {len(worst) - 5} more (see {self.report})"
        return text


@dataclass
class Options:
    quarantine: Path
    reject_threshold: float = DEFAULT_REJECT_THRESHOLD
    memory_limit: str = "1GB"


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _previous(wh: Warehouse, delivery_id: str):
    rows = wh.query(
        "select state, arrived_at from raw.deliveries where delivery_id = ?", [delivery_id]
    )
    return rows[0] if rows else None


def _event(wh: Warehouse, m: L.Manifest, state: str, note: str = "") -> None:
    wh.execute(
        "insert into raw.delivery_events values (?, ?, ?, ?, ?, ?, ?)",
        [m.delivery_id, m.agency, m.extract_date, m.arrived_at, _now(), state, note],
    )


def _seen_arrival(wh: Warehouse, m: L.Manifest) -> bool:
    return bool(
        wh.query(
            "select 1 from raw.delivery_events where delivery_id = ? and arrived_at = ? limit 1",
            [m.delivery_id, m.arrived_at],
        )
    )


def process_manifest(path: Path, target: Target, options: Options) -> Outcome | None:
    """Process one delivery. Returns None when there is nothing new (already processed, same
    arrival), so a scheduler can scan the landing folder as often as it likes."""
    with Warehouse(target) as wh:
        wh.ensure_schema()
        try:
            m = L.read_manifest(path)
        except QuarantineError as exc:
            return _quarantine_unreadable_manifest(wh, path, exc, options)
        previous = _previous(wh, m.delivery_id)
        if previous and previous[0] in FINAL:
            if _seen_arrival(wh, m):
                return None
            _event(wh, m, DUPLICATE, f"already {previous[0]}")
            return Outcome(m.agency, m.extract_date, m.delivery_id, DUPLICATE)
        missing = L.missing_files(m)
        if missing:
            if previous is None:
                wh.execute(
                    "insert into raw.deliveries values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        m.delivery_id,
                        m.agency,
                        m.extract_date,
                        path.name,
                        m.sha256,
                        m.key_id,
                        m.spec_version,
                        m.arrived_at,
                        _now(),
                        INCOMPLETE,
                        json.dumps(missing),
                        None,
                        None,
                        None,
                    ],
                )
                _event(wh, m, INCOMPLETE, "waiting for " + ", ".join(missing))
            return Outcome(
                m.agency,
                m.extract_date,
                m.delivery_id,
                INCOMPLETE,
                [
                    Finding(
                        "incomplete",
                        "missing_file",
                        f"{n} has not arrived",
                        "send the file (the delivery is checked again when files arrive)",
                        n,
                    )
                    for n in missing
                ],
            )
        checkpoint()
        return _process_complete(wh, m, options)


def _quarantine_unreadable_manifest(wh, path, exc, options) -> Outcome:
    agency = path.parent.name
    stamp = L.MANIFEST.match(path.name)["stamp"]
    extract = dt.datetime.strptime(stamp, "%Y%m%d").date()
    import hashlib

    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    outcome = Outcome(agency, extract, sha[:16], QUARANTINED, exc.findings)
    if _previous(wh, outcome.delivery_id):
        return outcome
    arrived = dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
    outcome.report = _write_report(outcome, [path], options.quarantine)
    wh.execute(
        "insert into raw.deliveries values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            outcome.delivery_id,
            agency,
            extract,
            path.name,
            sha,
            None,
            None,
            arrived,
            _now(),
            QUARANTINED,
            json.dumps([f.as_dict() for f in exc.findings]),
            0,
            0,
            0,
        ],
    )
    return outcome


def _work_connection(wh: Warehouse, options: Options, spill: str):
    """DuckDB to parse and check in: the warehouse itself (temp tables) for a DuckDB target, an
    in-memory database for PostgreSQL."""
    if wh.target.kind == "duckdb":
        con = wh.con
    else:
        import duckdb

        con = duckdb.connect()
    con.execute(f"set memory_limit = '{options.memory_limit}'")
    con.execute(f"set temp_directory = '{spill}'")
    con.execute("set preserve_insertion_order = true")
    install_macros(con)
    return con


def _process_complete(wh: Warehouse, m: L.Manifest, options: Options) -> Outcome:
    outcome = Outcome(m.agency, m.extract_date, m.delivery_id, LOADED)
    findings = outcome.findings
    files = [m.path.parent / n for n in sorted(m.files)]
    spill = tempfile.mkdtemp(prefix="ingest-spill-")
    con = _work_connection(wh, options, spill)
    results: dict[str, ReadResult] = {}
    try:
        findings.extend(L.check_completeness(m))
        facts = {}
        for entity in contract.entities(m.agency):
            name = entity.file_name(m.stamp)
            if name not in m.files:
                continue
            fact, found = L.fingerprint(m.path.parent / name, entity, m.files[name])
            facts[entity.name] = fact
            findings.extend(found)
            checkpoint()
        if _quarantined(findings):
            raise QuarantineError(findings)
        for entity in contract.entities(m.agency):
            fact = facts[entity.name]
            result = read_file(con, fact.path, entity, fact.header, f"{m.agency}_{entity.name}")
            results[entity.name] = result
            listed = m.files[fact.path.name]["rows"]
            if result.rows_in != listed:
                findings.append(
                    Finding(
                        QUARANTINE,
                        "row_count_mismatch",
                        f"{result.rows_in:,} data rows, but the "
                        f"manifest says {listed:,} (truncated file, unclosed quote or stray line "
                        "breaks)",
                        "re-send the file with a manifest written from it",
                        fact.path.name,
                    )
                )
            findings.extend(result.rejected)
            findings.extend(
                identifier_breaches(
                    con, result.parsed, entity, fact.path.name, result.structural_lines
                )
            )
            if result.rows_in and result.rejected_rows / result.rows_in > options.reject_threshold:
                findings.append(
                    Finding(
                        QUARANTINE,
                        "too_many_rejected_rows",
                        f"{result.rejected_rows:,} of {result.rows_in:,} rows rejected "
                        f"({result.rejected_rows / result.rows_in:.1%}, more than "
                        f"{options.reject_threshold:.0%})",
                        "fix the export (see the rejected rows listed in this report)",
                        fact.path.name,
                    )
                )
            checkpoint()
        if _quarantined(findings):
            raise QuarantineError(findings)
        validation = _validate(con, m, results, findings)
        checkpoint()
        breaches = consistency_breaches(con, m.agency, m.extract_date.isoformat())
        findings.extend(breach_findings(breaches, m.stamp, m.agency))
        checkpoint()
        outcome.rows_in = sum(r.rows_in for r in results.values())
        outcome.rows_loaded = sum(r.rows_loaded for r in results.values())
        outcome.rows_rejected = outcome.rows_in - outcome.rows_loaded
        warn = outcome.rows_rejected > 0 or any(f.severity == VALIDITY for f in findings)
        outcome.state = WARNINGS if warn else LOADED
        outcome.report = _write_report(outcome, [], options.quarantine, results)
        checkpoint()
        _commit(wh, con, m, outcome, results, validation, breaches, spill)
    except QuarantineError as exc:
        outcome.state = QUARANTINED
        outcome.findings = exc.findings
        outcome.report = _write_report(outcome, [m.path, *files], options.quarantine)
        checkpoint()
        wh.execute(
            "insert into raw.deliveries values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " on conflict (delivery_id) do update set state = excluded.state, "
            "reasons = excluded.reasons, processed_at = excluded.processed_at",
            [
                m.delivery_id,
                m.agency,
                m.extract_date,
                m.path.name,
                m.sha256,
                m.key_id,
                m.spec_version,
                m.arrived_at,
                _now(),
                QUARANTINED,
                json.dumps([f.as_dict() for f in _quarantined(exc.findings)][:200]),
                None,
                None,
                None,
            ],
        )
        _event(wh, m, QUARANTINED)
    finally:
        for r in results.values():
            r.drop(con)
        if con is not wh.con:
            con.close()
        shutil.rmtree(spill, ignore_errors=True)
    return outcome


def _quarantined(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == QUARANTINE]


def _validate(con, m, results, findings):
    from neglect_warehouse.ingest.validate import validate_entity

    validation = {}
    for name, result in results.items():
        outcomes = validate_entity(con, result.table, result.entity)
        validation[name] = outcomes
        for o in outcomes:
            if not o.success and o.dimension == "validity":
                shown = ", ".join(map(str, o.unexpected_values[:5]))
                findings.append(
                    Finding(
                        VALIDITY,
                        o.expectation,
                        f"{o.unexpected_count:,} value(s) outside the code list ({shown})",
                        "use the codes of extracts.md §5 (loaded, reported as a validity breach)",
                        result.entity.file_name(m.stamp),
                        column=o.column,
                    )
                )
    return validation


def _commit(wh, con, m, outcome, results, validation, breaches, spill) -> None:
    """Make the delivery visible in one transaction: its rows in every raw table and its
    metadata, or (if the process dies anywhere before COMMIT) nothing at all."""
    delivery = lit(m.delivery_id)
    pg = wh.target.kind == "postgres"
    exports = {}
    if pg:  # write accepted rows to CSV first; the PostgreSQL transaction then only copies
        for name, r in results.items():
            path = Path(spill) / f"{name}.csv"
            cols = ", ".join(q(c) for c in r.entity.column_names)
            con.execute(
                f"copy (select {delivery} as _delivery_id, _line, {cols} from "
                f"{r.table}) to {lit(str(path))} (header, delimiter ',')"
            )
            exports[name] = path
    metadata = _metadata_rows(m, outcome, results, validation, breaches)
    if pg:
        wh.con.autocommit = False
        cur = wh.con.cursor()
        try:
            for name in results:
                with open(exports[name], encoding="utf-8") as f:
                    cur.copy_expert(
                        f"copy {raw_table(m.agency, name)} from stdin with "
                        "(format csv, header true)",
                        f,
                    )
                checkpoint()
            _insert_metadata(lambda sql, p: cur.executemany(sql.replace("?", "%s"), p), metadata)
            checkpoint()
            wh.con.commit()
        except BaseException:
            wh.con.rollback()
            raise
        finally:
            cur.close()
            wh.con.autocommit = True
    else:
        con.execute("begin transaction")
        try:
            for name, r in results.items():
                cols = ", ".join(q(c) for c in r.entity.column_names)
                con.execute(
                    f"insert into {raw_table(m.agency, name)} select {delivery}, _line,"
                    f" {cols} from {r.table}"
                )
                checkpoint()
            _insert_metadata(lambda sql, p: con.executemany(sql, p) if p else None, metadata)
            checkpoint()
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    checkpoint()


def _metadata_rows(m, outcome, results, validation, breaches):
    now = _now()
    reasons = [f.as_dict() for f in outcome.findings if f.severity in (REJECT, VALIDITY)][:200]
    deliveries = [
        [
            m.delivery_id,
            m.agency,
            m.extract_date,
            m.path.name,
            m.sha256,
            m.key_id,
            m.spec_version,
            m.arrived_at,
            now,
            outcome.state,
            json.dumps(reasons),
            outcome.rows_in,
            outcome.rows_loaded,
            outcome.rows_rejected,
        ]
    ]
    files = [
        [
            m.delivery_id,
            name,
            r.entity.file_name(m.stamp),
            m.files[r.entity.file_name(m.stamp)]["sha256"],
            r.rows_in,
            r.rows_loaded,
            r.rows_in - r.rows_loaded,
        ]
        for name, r in results.items()
    ]
    rejected = [
        [m.delivery_id, name, f.line, f.column, f.rule, f.message]
        for name, r in results.items()
        for f in r.rejected
    ]
    checks = [
        [
            m.delivery_id,
            name,
            o.expectation,
            o.column,
            o.success,
            o.element_count,
            o.unexpected_count,
            o.details(),
        ]
        for name, outcomes in validation.items()
        for o in outcomes
    ]
    rule_rows = [[m.delivery_id, e, rec, line, rule, msg] for e, rec, line, rule, msg in breaches]
    events = [[m.delivery_id, m.agency, m.extract_date, m.arrived_at, now, outcome.state, ""]]
    return [
        ("delete from raw.deliveries where delivery_id = ?", [[m.delivery_id]]),
        (
            "insert into raw.deliveries values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            deliveries,
        ),
        ("insert into raw.delivery_files values (?, ?, ?, ?, ?, ?, ?)", files),
        ("insert into raw.rejected_rows values (?, ?, ?, ?, ?, ?)", rejected),
        ("insert into raw.validation_results values (?, ?, ?, ?, ?, ?, ?, ?)", checks),
        ("insert into raw.rule_breaches values (?, ?, ?, ?, ?, ?)", rule_rows),
        ("insert into raw.delivery_events values (?, ?, ?, ?, ?, ?, ?)", events),
    ]


def _insert_metadata(executemany, metadata) -> None:
    for sql, rows in metadata:
        if rows:
            executemany(sql, rows)


def _write_report(
    outcome: Outcome, copy: list[Path], root: Path, results: dict[str, ReadResult] | None = None
) -> Path:
    """The human- and machine-readable report (and, for a quarantined delivery, the files as
    received) in ``<quarantine>/<agency>/<extract date>-<delivery id>/``."""
    from neglect_warehouse.ingest.report import write_report

    return write_report(outcome, copy, root, results)
