"""The partnership's reference files (``<landing>/reference/localities.csv`` and
``population.csv``): not an agency delivery (no manifest), owned by the partnership, replaced
whole when they change. They get the same header, type and identifier checks as a delivery and
are recorded in ``raw.deliveries`` as agency ``reference``; a bad pair is quarantined and the
previous one stays in use."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from neglect_warehouse.partnership.ingest import landing as L
from neglect_warehouse.partnership.ingest.files import status_in
from neglect_warehouse.partnership.ingest.findings import QUARANTINE, Finding
from neglect_warehouse.partnership.ingest.pipeline import (
    INSERT_DELIVERY,
    INSERT_EVENT,
    LOADED,
    QUARANTINED,
    DeliveryLoad,
    Options,
    Outcome,
    _work_connection,
    _write_report,
)
from neglect_warehouse.partnership.ingest.read import read_file
from neglect_warehouse.partnership.ingest.rules import identifier_breaches
from neglect_warehouse.partnership.warehouse import Warehouse
from neglect_warehouse.shared import contract

AGENCY = contract.REFERENCE


def process_reference(landing: Path, wh: Warehouse, options: Options) -> Outcome | None:
    folder = Path(landing) / AGENCY
    entities = contract.entities(AGENCY)
    paths = {e.name: folder / e.file_name("") for e in entities}
    if not all(status_in(folder, p.name) for p in paths.values()):
        return None
    facts: dict[str, L.FileFacts] = {}
    found: dict[str, list[Finding]] = {}
    try:
        for e in entities:  # opened once (regular files only, never a link) and kept open
            facts[e.name], found[e.name] = L.fingerprint(paths[e.name], e, None)
        digest = hashlib.sha256()
        for e in entities:
            opened = facts[e.name].opened
            for block in opened.blocks() if opened else ():
                digest.update(block)
        stamps = [f.opened.mtime for f in facts.values() if f.opened is not None]
        return _process_pair(wh, options, entities, paths, facts, found, digest, stamps)
    finally:
        for fact in facts.values():
            fact.close()


def _process_pair(wh, options, entities, paths, facts, found, digest, stamps) -> Outcome | None:
    sha = digest.hexdigest()
    delivery_id = sha[:16]
    arrived = dt.datetime.fromtimestamp(max(stamps, default=0)).replace(microsecond=0)
    if wh.query("select 1 from raw.deliveries where delivery_id = ?", [delivery_id]):
        return None
    outcome = Outcome(AGENCY, arrived.date(), delivery_id, LOADED)
    spill = tempfile.mkdtemp(prefix="ingest-spill-")
    con = _work_connection(wh, options, spill)
    results = {}
    try:
        for e in entities:
            fact = facts[e.name]
            outcome.findings.extend(found[e.name])
            if found[e.name]:
                continue
            result = read_file(
                con,
                fact.opened.proc_path,
                e,
                fact.header,
                f"reference_{e.name}",
                name=fact.path.name,
            )
            results[e.name] = result
            outcome.findings.extend(result.rejected)
            outcome.findings.extend(identifier_breaches(con, result, fact.path.name))
            if result.rejected_rows:
                outcome.findings.append(
                    Finding(
                        QUARANTINE,
                        "reference_rows_rejected",
                        f"{result.rejected_rows} rows of "
                        f"{fact.path.name} are invalid; reference files must be complete",
                        "correct the file and deliver both reference files again",
                        fact.path.name,
                    )
                )
        outcome.rows_in = sum(r.rows_in for r in results.values())
        if any(f.severity == QUARANTINE for f in outcome.findings):
            outcome.state = QUARANTINED
        else:
            outcome.rows_loaded = sum(r.rows_loaded for r in results.values())
        outcome.rows_rejected = outcome.rows_in - outcome.rows_loaded
        outcome.report = _write_report(
            outcome,
            list(paths.values()) if outcome.state == QUARANTINED else [],
            options.quarantine,
        )
        row = [
            delivery_id,
            AGENCY,
            arrived.date(),
            "localities.csv+population.csv",
            sha,
            None,
            None,
            arrived,
            dt.datetime.now().replace(microsecond=0),
            outcome.state,
            json.dumps([f.as_dict() for f in outcome.findings][:200]),
            outcome.rows_in,
            outcome.rows_loaded,
            outcome.rows_rejected,
        ]
        event = [delivery_id, AGENCY, arrived.date(), arrived, dt.datetime.now(), outcome.state, ""]
        # The new pair replaces the old one whole; a quarantined pair only records its outcome.
        load = DeliveryLoad(
            wh,
            con,
            AGENCY,
            delivery_id,
            results if outcome.state == LOADED else {},
            spill,
            replace=True,
        )
        try:
            load.rows()
            load.finish([(INSERT_DELIVERY, [row]), (INSERT_EVENT, [event])])
        except BaseException:
            load.abort()
            raise
    finally:
        for r in results.values():
            r.drop(con)
        if con is not wh.con:
            con.close()
        shutil.rmtree(spill, ignore_errors=True)
    return outcome
