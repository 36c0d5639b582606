"""Running the Great Expectations suites (``expectations/*.json``) on a delivery's accepted
rows. GX is imported here, never at DAG-parse time (it takes seconds to import).

GX's SQL engine does not work on DuckDB through duckdb-engine, so the rows are handed to GX as
pandas frames read from DuckDB, in batches (at most ``BATCH_ROWS`` rows in memory at once);
each expectation's counts are summed over the batches. Uniqueness is checked within a batch
by GX and across the whole file by ingest's own row checks (repeated ids are rejected).
"""

from __future__ import annotations

import json
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

from neglect_warehouse.partnership.expectations import load_suite
from neglect_warehouse.shared import contract

BATCH_VECTORS = 128  # DuckDB vectors of 2,048 rows: about 260,000 rows per batch


@dataclass
class ExpectationOutcome:
    expectation: str
    column: str | None
    dimension: str
    success: bool
    element_count: int
    unexpected_count: int
    unexpected_values: list

    def details(self) -> str:
        """For raw.validation_results: at most ten unexpected values, each cut to 40
        characters (what an agency sent in a code column is quoted, never more)."""
        values = [str(v)[:40] for v in self.unexpected_values[:10]]
        return json.dumps({"dimension": self.dimension, "unexpected_values": values})


@cache
def _context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import logging

    import great_expectations as gx
    from great_expectations.execution_engine import pandas_execution_engine

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    # GX fingerprints every pandas batch by hashing all its values (over half the validation
    # time on large files). The fingerprint only names the batch; ingest has the file's sha256.
    pandas_execution_engine.HASH_THRESHOLD = 0
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("delivery")
    asset = source.add_dataframe_asset("rows")
    return gx, context, asset.add_batch_definition_whole_dataframe("whole")


@cache
def _suite(agency: str, entity: str):
    gx, context, _ = _context()
    doc = load_suite(contract.entity(agency, entity))
    return gx.ExpectationSuite(**doc)


def validate_entity(con, table: str, entity: contract.Entity) -> list[ExpectationOutcome]:
    """Validate every accepted row of ``table`` with the entity's suite."""
    gx, _, batch_definition = _context()
    suite = _suite(entity.agency, entity.name)
    totals: dict[int, ExpectationOutcome] = {}
    columns = ", ".join(f'"{c}"' for c in entity.column_names)
    con.execute(f"select {columns} from {table}")
    first = True
    while True:
        frame = con.fetch_df_chunk(BATCH_VECTORS)
        if len(frame) == 0 and not first:
            break
        first = False
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(suite, result_format="BASIC")
        for i, r in enumerate(result.results):
            config = r.expectation_config
            res = r.result or {}
            out = totals.setdefault(
                i,
                ExpectationOutcome(
                    config.type,
                    config.kwargs.get("column"),
                    (config.meta or {}).get("dimension", ""),
                    True,
                    0,
                    0,
                    [],
                ),
            )
            out.success = out.success and bool(r.success)
            out.element_count += int(res.get("element_count") or 0)
            out.unexpected_count += int(res.get("unexpected_count") or 0)
            for value in res.get("partial_unexpected_list") or []:
                if value not in out.unexpected_values and len(out.unexpected_values) < 20:
                    out.unexpected_values.append(value)
        if len(frame) == 0:
            break
    return list(totals.values())


class BackgroundValidation:
    """Runs the suites in one worker thread, each entity with its own DuckDB cursor, while
    the main thread goes on parsing, checking and loading (DuckDB works outside the GIL)."""

    def __init__(self, con) -> None:
        self._con = con
        self._executor: ThreadPoolExecutor | None = None
        self._futures: dict[str, Future] = {}

    def submit(self, table: str, entity: contract.Entity) -> None:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="validate")
        cursor = self._con.cursor()
        self._futures[entity.name] = self._executor.submit(self._run, cursor, table, entity)

    @staticmethod
    def _run(cursor, table, entity):
        try:
            return validate_entity(cursor, table, entity)
        finally:
            cursor.close()

    def results(self) -> dict[str, list[ExpectationOutcome]]:
        return {name: future.result() for name, future in self._futures.items()}

    def close(self) -> None:
        """Wait for running work (its tables are about to be dropped) and stop the thread."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
