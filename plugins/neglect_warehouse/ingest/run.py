"""Ingest everything new in a landing folder (what the DAGs and the CLI both call)."""

from __future__ import annotations

from pathlib import Path

from neglect_warehouse import contract
from neglect_warehouse.ingest.landing import find_manifests
from neglect_warehouse.ingest.pipeline import Options, Outcome, process_manifest
from neglect_warehouse.warehouse import Target


def ingest_landing(
    landing: Path, target: Target, options: Options, agencies=contract.AGENCIES
) -> list[Outcome]:
    """Every delivery in ``landing`` not yet processed, oldest extract first."""
    outcomes = []
    for manifest in find_manifests(landing, agencies):
        outcome = process_manifest(manifest, target, options)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes
