"""Ingest everything new in a landing folder (what the DAGs and the CLI both call)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from functools import partial
from pathlib import Path

from neglect_warehouse.partnership.ingest.landing import find_manifests
from neglect_warehouse.partnership.ingest.pipeline import Options, Outcome, process_manifest
from neglect_warehouse.partnership.warehouse import Target, Warehouse, WarehouseBusy
from neglect_warehouse.shared import contract

log = logging.getLogger(__name__)


class IngestFailed(RuntimeError):
    """Some deliveries could not be processed at all (a fault of the warehouse, not of the
    delivery: those end in a state). The others were processed: ``outcomes``."""

    def __init__(self, outcomes: list[Outcome], failures: list[tuple[Path, str]]):
        self.outcomes = outcomes
        self.failures = failures
        listed = "; ".join(f"{path.parent.name}/{path.name}: {error}" for path, error in failures)
        super().__init__(
            f"{len(failures)} deliver{'y' if len(failures) == 1 else 'ies'} could not be "
            f"processed and will be tried again on the next run ({listed}); "
            f"{len(outcomes)} other(s) were"
        )


def ingest_reference(landing: Path, target: Target, options: Options) -> Outcome | None:
    """The partnership's reference files, when they are new or changed."""
    from neglect_warehouse.partnership.ingest.reference import process_reference

    with Warehouse(target) as wh:
        wh.ensure_schema()
        return process_reference(landing, wh, options)


def ingest_landing(
    landing: Path,
    target: Target,
    options: Options,
    agencies=contract.AGENCIES,
    reference: bool = True,
    manifests: list[Path] | None = None,
) -> list[Outcome]:
    """The reference files (when ``reference``) and every delivery in ``landing`` not yet
    processed (or only those of ``manifests``, as the arrival sensor found them), oldest
    extract first. A delivery that fails unexpectedly (a fault, not a bad
    delivery: those end in a state) is logged and skipped, the others are processed, and
    IngestFailed is raised at the end with all their outcomes."""
    outcomes: list[Outcome] = []
    failures: list[tuple[Path, str]] = []
    steps: list[tuple[Path, Callable[[], Outcome | None]]] = [
        (Path(landing) / contract.REFERENCE, lambda: ingest_reference(landing, target, options))
    ]
    steps = steps if reference else []
    steps += [
        (manifest, partial(process_manifest, manifest, target, options))
        for manifest in find_manifests(landing, agencies)
        if manifests is None or manifest.name in {m.name for m in manifests}
    ]
    for where, step in steps:
        try:
            outcome = step()
        except WarehouseBusy:
            raise
        except Exception as exc:  # one delivery's fault never stops the others
            log.error("ingest of %s failed:\n%s", where, traceback.format_exc())
            failures.append((where, f"{type(exc).__name__}: {exc}"[:300]))
            continue
        if outcome is not None:
            outcomes.append(outcome)
    if failures:
        raise IngestFailed(outcomes, failures)
    return outcomes
