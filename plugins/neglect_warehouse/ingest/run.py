"""Ingest everything new in a landing folder (what the DAGs and the CLI both call)."""

from __future__ import annotations

from pathlib import Path

from neglect_warehouse import contract
from neglect_warehouse.ingest.landing import find_manifests
from neglect_warehouse.ingest.pipeline import Options, Outcome, process_manifest
from neglect_warehouse.warehouse import Target, Warehouse


def ingest_reference(landing: Path, target: Target, options: Options) -> Outcome | None:
    """The partnership's reference files, when they are new or changed."""
    from neglect_warehouse.ingest.reference import process_reference

    with Warehouse(target) as wh:
        wh.ensure_schema()
        return process_reference(landing, wh, options)


def ingest_landing(
    landing: Path,
    target: Target,
    options: Options,
    agencies=contract.AGENCIES,
    reference: bool = True,
) -> list[Outcome]:
    """The reference files (when ``reference``) and every delivery in ``landing`` not yet
    processed, oldest extract first."""
    outcomes = []
    if reference:
        outcome = ingest_reference(landing, target, options)
        if outcome is not None:
            outcomes.append(outcome)
    for manifest in find_manifests(landing, agencies):
        outcome = process_manifest(manifest, target, options)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes
