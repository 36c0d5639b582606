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
from typing import Any

from neglect_warehouse.partnership.ingest import landing as L
from neglect_warehouse.partnership.ingest.files import shown
from neglect_warehouse.partnership.ingest.findings import QUARANTINE, REJECT, VALIDITY, Finding
from neglect_warehouse.partnership.ingest.findings import Quarantine as QuarantineError
from neglect_warehouse.partnership.ingest.read import ReadResult, lit, q, read_file
from neglect_warehouse.partnership.ingest.rules import (
    breach_findings,
    consistency_breaches,
    identifier_breaches,
)
from neglect_warehouse.partnership.warehouse import Target, Warehouse, memory_limit, raw_table
from neglect_warehouse.shared import contract

# the states (plain strings: they go into the warehouse and XCom as they are)
LOADED = contract.DeliveryState.LOADED.value
WARNINGS = contract.DeliveryState.LOADED_WITH_WARNINGS.value
QUARANTINED = contract.DeliveryState.QUARANTINED.value
DUPLICATE = contract.DeliveryState.DUPLICATE.value
INCOMPLETE = contract.DeliveryState.INCOMPLETE.value
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


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _previous(wh: Warehouse, delivery_id: str):
    rows = wh.query(
        "select state, arrived_at from raw.deliveries where delivery_id = ?", [delivery_id]
    )
    return rows[0] if rows else None


def _event(wh: Warehouse, m: L.Manifest, state: str, note: str = "") -> None:
    wh.execute(
        INSERT_EVENT,
        [m.delivery_id, m.agency, m.extract_date, m.arrived_at, dt.datetime.now(), state, note],
    )


INSERT_DELIVERY = "insert into raw.deliveries values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_EVENT = "insert into raw.delivery_events values (?, ?, ?, ?, ?, ?, ?)"


def _delivery_row(
    m: L.Manifest,
    state: str,
    reasons: str | None,
    rows_in=None,
    rows_loaded=None,
    rows_rejected=None,
    processed_at=None,
) -> list:
    """A ``raw.deliveries`` row, in the table's column order."""
    return [
        m.delivery_id,
        m.agency,
        m.extract_date,
        m.path.name,
        m.sha256,
        m.key_id,
        m.spec_version,
        m.arrived_at,
        processed_at or _now(),
        state,
        reasons,
        rows_in,
        rows_loaded,
        rows_rejected,
    ]


def _seen_arrival(wh: Warehouse, m: L.Manifest) -> bool:
    return bool(
        wh.query(
            "select 1 from raw.delivery_events where delivery_id = ? and arrived_at = ? limit 1",
            [m.delivery_id, m.arrived_at],
        )
    )


def settled_deliveries(target: Target, agency: str) -> set[str]:
    """The agency's deliveries the warehouse has settled (loaded, loaded with warnings or
    quarantined), for the arrival sensor: each arrival of one as ``id@arrived_at``
    (``arrival.settled_key``; a byte-identical re-delivery is settled once it is recorded as a
    duplicate), and each id alone (an unreadable manifest is recorded once, by id)."""
    from neglect_warehouse.partnership.ingest.arrival import settled_key

    with Warehouse(target) as wh:
        wh.ensure_schema()
        final = ", ".join("?" for _ in FINAL)
        ids = wh.query(
            f"select delivery_id from raw.deliveries where agency = ? and state in ({final})",
            [agency, *FINAL],
        )
        arrivals = wh.query(
            "select distinct e.delivery_id, e.arrived_at from raw.delivery_events e "
            "join raw.deliveries d using (delivery_id) "
            f"where d.agency = ? and d.state in ({final})",
            [agency, *FINAL],
        )
    return {i for (i,) in ids} | {settled_key(i, a) for i, a in arrivals}


def process_manifest(path: Path, target: Target, options: Options) -> Outcome | None:
    """Process one delivery. Returns None when there is nothing new (already processed, same
    arrival; a manifest that could not be read, already recorded), so a scheduler can scan
    the landing folder as often as it likes."""
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
                wh.execute(INSERT_DELIVERY, _delivery_row(m, INCOMPLETE, json.dumps(missing)))
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


def _quarantine_unreadable_manifest(wh, path, exc, options) -> Outcome | None:
    """Record a manifest that cannot be read as a delivery: QUARANTINED, with its reason. Its
    id is the sha256 of its bytes when it is a regular file (else of its name and status, never
    of what a link points at); its date is its name's, or, when the name's date is no date, the
    day it arrived (the reason says so)."""
    agency = path.parent.name
    sha, arrived = L.unreadable_manifest_identity(path)
    name = L.MANIFEST.match(path.name)
    assert name is not None  # a path from find_manifests: named as a manifest
    extract = L.stamp_date(name["stamp"]) or arrived.date()
    outcome = Outcome(agency, extract, sha[:16], QUARANTINED, exc.findings)
    if _previous(wh, outcome.delivery_id):
        return None  # recorded by an earlier run: nothing new
    outcome.report = _write_report(outcome, [path], options.quarantine)
    checkpoint()
    wh.execute(
        INSERT_DELIVERY,
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
    """DuckDB to parse and check in: the warehouse's own connection for a DuckDB target, an
    in-memory database for PostgreSQL. Work tables live in an attached in-memory database
    ``work``, visible to the validation thread's cursor and never written to the warehouse."""
    if wh.target.kind == "duckdb":
        con = wh.con  # opened with the pipeline's memory_limit (warehouse.duckdb_config)
    else:
        import duckdb

        con = duckdb.connect(config={"memory_limit": memory_limit()})
    con.execute(f"set temp_directory = '{spill}'")
    con.execute("set preserve_insertion_order = true")
    con.execute("attach if not exists ':memory:' as work")
    return con


def _read_all(con, m: L.Manifest, facts, options, findings, validation) -> dict[str, ReadResult]:
    """Parse and check every file; hand each file's accepted rows to the validation thread."""
    results: dict[str, ReadResult] = {}
    for entity in contract.entities(m.agency):
        fact = facts[entity.name]
        result = read_file(
            con,
            fact.opened.proc_path,
            entity,
            fact.header,
            f"{m.agency}_{entity.name}",
            name=fact.path.name,
        )
        results[entity.name] = result
        listed = m.files[fact.path.name]["rows"]
        if result.rows_in != listed:
            findings.append(
                Finding(
                    QUARANTINE,
                    "row_count_mismatch",
                    f"{result.rows_in:,} data rows, but the manifest says {listed:,} "
                    "(truncated file, unclosed quote or stray line breaks)",
                    "re-send the file with a manifest written from it",
                    fact.path.name,
                )
            )
        findings.extend(result.rejected)
        findings.extend(identifier_breaches(con, result, fact.path.name))
        share = result.rejected_rows / result.rows_in if result.rows_in else 0.0
        if share > options.reject_threshold:
            findings.append(
                Finding(
                    QUARANTINE,
                    "too_many_rejected_rows",
                    f"{result.rejected_rows:,} of {result.rows_in:,} rows rejected ({share:.1%}, "
                    f"more than {options.reject_threshold:.0%})",
                    "fix the export (see the rejected rows listed in this report)",
                    fact.path.name,
                )
            )
        if not _quarantined(findings):
            validation.submit(result.table, entity)
        checkpoint()
    return results


def _process_complete(wh: Warehouse, m: L.Manifest, options: Options) -> Outcome:
    from neglect_warehouse.partnership.ingest.validate import BackgroundValidation

    outcome = Outcome(m.agency, m.extract_date, m.delivery_id, LOADED)
    findings = outcome.findings
    files = [m.path.parent / n for n in sorted(m.files)]
    spill = tempfile.mkdtemp(prefix="ingest-spill-")
    con = _work_connection(wh, options, spill)
    validation = BackgroundValidation(con)
    results: dict[str, ReadResult] = {}
    load = None
    facts: dict[str, L.FileFacts] = {}
    try:
        findings.extend(L.check_completeness(m))
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
        results = _read_all(con, m, facts, options, findings, validation)
        if _quarantined(findings):
            raise QuarantineError(findings)
        breaches = consistency_breaches(con, m.agency, m.extract_date.isoformat())
        findings.extend(breach_findings(breaches, m.stamp, m.agency))
        checkpoint()
        # Rows go into the open transaction while the suites are still validating.
        load = DeliveryLoad(wh, con, m.agency, m.delivery_id, results, spill)
        load.rows()
        checkpoint()
        checks = validation.results()
        findings.extend(_validity_findings(con, m, results, checks))
        checkpoint()
        outcome.rows_in = sum(r.rows_in for r in results.values())
        outcome.rows_loaded = sum(r.rows_loaded for r in results.values())
        outcome.rows_rejected = outcome.rows_in - outcome.rows_loaded
        warn = outcome.rows_rejected > 0 or any(f.severity == VALIDITY for f in findings)
        outcome.state = WARNINGS if warn else LOADED
        outcome.report = _write_report(outcome, [], options.quarantine, results)
        checkpoint()
        load.finish(_metadata_rows(m, outcome, results, checks, breaches))
        load = None
        checkpoint()
    except QuarantineError as exc:
        outcome.state = QUARANTINED
        outcome.findings = exc.findings
        outcome.report = _write_report(outcome, [m.path, *files], options.quarantine)
        checkpoint()
        reasons = json.dumps([f.as_dict() for f in _quarantined(exc.findings)][:200])
        wh.execute(
            INSERT_DELIVERY + " on conflict (delivery_id) do update set "
            "state = excluded.state, reasons = excluded.reasons, "
            "processed_at = excluded.processed_at",
            _delivery_row(m, QUARANTINED, reasons),
        )
        _event(wh, m, QUARANTINED)
    finally:
        if load is not None:
            load.abort()
        validation.close()
        for r in results.values():
            r.drop(con)
        for fact in facts.values():
            fact.close()
        if con is not wh.con:
            con.close()
        shutil.rmtree(spill, ignore_errors=True)
    return outcome


def _quarantined(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == QUARANTINE]


def _validity_findings(con, m, results, checks) -> list[Finding]:
    """A finding per code outside its list, with its line where the rows can be found."""
    from neglect_warehouse.shared import contract as c

    codes = c.code_lists()
    found = []
    for name, outcomes in checks.items():
        result = results[name]
        file_name = result.entity.file_name(m.stamp)
        for o in outcomes:
            if o.success or o.dimension != "validity":
                continue
            column = next(col for col in result.entity.columns if col.name == o.column)
            action = (
                "use the codes of extracts.md §5 (the row is loaded and reported as a "
                "validity breach)"
            )
            if column.type == "code":
                allowed = ", ".join(lit(v) for v in codes[column.codes])
                rows = con.execute(
                    f"select _line, {q(o.column)} from {result.table} where "
                    f"{q(o.column)} not in ({allowed}) order by 1 limit 50"
                ).fetchall()
                for line, value in rows:
                    found.append(
                        Finding(
                            VALIDITY,
                            o.expectation,
                            f"{shown(value, 40)} is not in the {column.codes} code list",
                            action,
                            file_name,
                            line,
                            o.column,
                        )
                    )
                if o.unexpected_count > len(rows):
                    found.append(
                        Finding(
                            VALIDITY,
                            o.expectation,
                            f"{o.unexpected_count:,} values outside the code list in all",
                            action,
                            file_name,
                            column=o.column,
                        )
                    )
            else:
                values = ", ".join(shown(v, 40) for v in o.unexpected_values[:5])
                found.append(
                    Finding(
                        VALIDITY,
                        o.expectation,
                        f"{o.unexpected_count:,} "
                        f"value(s) not made of {column.codes} codes ({values})",
                        action,
                        file_name,
                        column=o.column,
                    )
                )
    return found


class DeliveryLoad:
    """The one transaction that makes a delivery visible: rows first (while validation is
    still running), then the metadata, then COMMIT. If the process dies anywhere before the
    commit, nothing of the delivery is visible. With ``replace`` the tables' earlier rows are
    deleted in the same transaction (the reference files are replaced whole)."""

    def __init__(
        self,
        wh: Warehouse,
        con,
        agency: str,
        delivery_id: str,
        results,
        spill: str,
        replace: bool = False,
    ):
        self.wh, self.con, self.results, self.spill = wh, con, results, spill
        self.agency, self.delivery_id, self.replace = agency, delivery_id, replace
        self.pg = wh.target.kind == "postgres"
        self.cur: Any = None  # PostgreSQL: a psycopg cursor; DuckDB: the work connection

    def rows(self) -> None:
        delivery = lit(self.delivery_id)
        if self.pg:
            exports = {}
            for name, r in self.results.items():  # CSV first; PostgreSQL then only copies
                path = Path(self.spill) / f"{name}.csv"
                cols = ", ".join(q(c) for c in r.entity.column_names)
                self.con.execute(
                    f"copy (select {delivery} as _delivery_id, _line, {cols} from "
                    f"{r.table}) to {lit(str(path))} (header, delimiter ',')"
                )
                exports[name] = path
            self.wh.con.autocommit = False
            self.cur = self.wh.con.cursor()
            for name in self.results:
                if self.replace:
                    self.cur.execute(f"delete from {raw_table(self.agency, name)}")
                with open(exports[name], encoding="utf-8") as f:
                    self.cur.copy_expert(
                        f"copy {raw_table(self.agency, name)} from stdin "
                        "with (format csv, header true)",
                        f,
                    )
                checkpoint()
        else:
            self.con.execute("begin transaction")
            self.cur = self.con
            for name, r in self.results.items():
                cols = ", ".join(q(c) for c in r.entity.column_names)
                if self.replace:
                    self.con.execute(f"delete from {raw_table(self.agency, name)}")
                self.con.execute(
                    f"insert into {raw_table(self.agency, name)} select "
                    f"{delivery}, _line, {cols} from {r.table}"
                )
                checkpoint()

    def finish(self, metadata) -> None:
        for sql, rows in metadata:
            if rows:
                if self.pg:
                    self.cur.executemany(sql.replace("?", "%s"), rows)
                else:
                    self.con.executemany(sql, rows)
        checkpoint()
        if self.pg:
            self.wh.con.commit()
            self.cur.close()
            self.wh.con.autocommit = True
        else:
            self.con.execute("commit")

    def abort(self) -> None:
        if self.cur is None:
            return
        if self.pg:
            self.wh.con.rollback()
            self.cur.close()
            self.wh.con.autocommit = True
        else:
            self.con.execute("rollback")


def _metadata_rows(m, outcome, results, validation, breaches):
    now = _now()
    reasons = [f.as_dict() for f in outcome.findings if f.severity in (REJECT, VALIDITY)][:200]
    deliveries = [
        _delivery_row(
            m,
            outcome.state,
            json.dumps(reasons),
            outcome.rows_in,
            outcome.rows_loaded,
            outcome.rows_rejected,
            now,
        )
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
    events = [
        [
            m.delivery_id,
            m.agency,
            m.extract_date,
            m.arrived_at,
            dt.datetime.now(),
            outcome.state,
            "",
        ]
    ]
    return [
        ("delete from raw.deliveries where delivery_id = ?", [[m.delivery_id]]),
        (INSERT_DELIVERY, deliveries),
        ("insert into raw.delivery_files values (?, ?, ?, ?, ?, ?, ?)", files),
        ("insert into raw.rejected_rows values (?, ?, ?, ?, ?, ?)", rejected),
        ("insert into raw.validation_results values (?, ?, ?, ?, ?, ?, ?, ?)", checks),
        ("insert into raw.rule_breaches values (?, ?, ?, ?, ?, ?)", rule_rows),
        (INSERT_EVENT, events),
    ]


def _write_report(
    outcome: Outcome, copy: list[Path], root: Path, results: dict[str, ReadResult] | None = None
) -> Path:
    """The human- and machine-readable report (and, for a quarantined delivery, the files as
    received) in ``<quarantine>/<agency>/<extract date>-<delivery id>/``."""
    from neglect_warehouse.partnership.ingest.delivery_report import write_report

    return write_report(outcome, copy, root, results)
