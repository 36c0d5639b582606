"""Great Expectations Data Docs for the warehouse's suites (``expectations/*.json``) and the
latest validation of each agency's current delivery, built with GX Core 1.x.

GX's Data Docs are rendered from the expectation suites and the validation results held in a
data context's stores. Ingest validates with an ephemeral context and keeps only the counts
(``raw.validation_results``), not GX's result objects, so the results cannot be fed back to
GX. The simplest honest way to a Data Docs site is therefore to do again what ingest did: an
ephemeral context whose Data Docs site is ``out_dir``, every suite added to it, and each
suite run (``ValidationDefinition.run``, which stores its result) on the rows of the agency's
current delivery read from the raw layer — the rows ingest accepted and validated, as text,
exactly as ingest handed them to GX, and the rows the staging views show. Then
``context.build_data_docs()``. The unexpected counts equal ``raw.validation_results``
(tests/pack/test_dq_report.py checks this).

The site is rebuilt only when what it shows has changed: its fingerprint (every suite file,
each agency's current delivery, the GX version) is kept beside it (``.fingerprint``); when it
matches, the existing site is returned without importing GX.

The site is for engineers, not agencies: GX shows a sample of unexpected values (codes outside
their lists). Its pages load GX's stylesheets and scripts from public CDNs, as GX's own Data
Docs always do; offline they are readable but unstyled.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from neglect_warehouse.partnership.expectations import (
    GX_VERSION,
    load_suite,
    suite_name,
    suite_path,
)
from neglect_warehouse.partnership.warehouse import Target, Warehouse, raw_table
from neglect_warehouse.shared import contract

SITE = "local_site"
# What GX writes into a Data Docs site's folder (removed first, so no page of an earlier build
# is left behind).
SITE_ENTRIES = ("index.html", "expectations", "validations", "static")
FINGERPRINT = ".fingerprint"


def _frame(wh: Warehouse, entity: contract.Entity, delivery_id: str):
    import pandas as pd

    columns = ", ".join(f'"{c}"' for c in entity.column_names)
    sql = (
        f"select {columns} from {raw_table(entity.agency, entity.name)} "
        "where _delivery_id = ? order by _line"
    )
    if wh.target.kind == "duckdb":
        return wh.con.execute(sql, [delivery_id]).df()
    return pd.DataFrame.from_records(wh.query(sql, [delivery_id]), columns=entity.column_names)


def current_deliveries(wh: Warehouse) -> dict[str, tuple[str, object]]:
    """Each agency's current delivery: ``{agency: (delivery_id, extract_date)}``."""
    rows = wh.query("select agency, delivery_id, extract_date from raw.current_deliveries")
    return {a: (d, e) for a, d, e in rows if a in contract.AGENCIES}


def fingerprint(current: dict[str, tuple[str, object]]) -> str:
    """What the site shows: every suite's file, each agency's current delivery, GX's version."""
    digest = hashlib.sha256(f"gx {GX_VERSION}\n".encode())
    for agency in contract.AGENCIES:
        digest.update(f"{agency} {current.get(agency, ('none',))[0]}\n".encode())
        for entity in contract.entities(agency):
            digest.update(suite_path(entity).read_bytes())
    return digest.hexdigest()


def build_data_docs(target: Target | str | os.PathLike, out_dir: str | os.PathLike) -> Path:
    """Build the Data Docs site in ``out_dir`` and return its ``index.html``: one page per
    suite (every agency entity) and one validation result per entity of each agency's
    current delivery (agencies without a loaded delivery have suite pages only). When the
    site there already shows the same suites and deliveries, it is left as it is."""
    target = target if isinstance(target, Target) else Target.parse(target)
    out_dir = Path(out_dir).resolve()
    index = out_dir / "index.html"
    with Warehouse(target) as wh:
        current = current_deliveries(wh)
    wanted = fingerprint(current)
    stamp = out_dir / FINGERPRINT
    if index.exists() and stamp.exists() and stamp.read_text() == wanted:
        return index
    stamp.unlink(missing_ok=True)
    _build(target, out_dir)
    stamp.write_text(wanted)
    return index


def _build(target: Target, out_dir: Path) -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import logging

    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    # As ingest does (ingest/validate.py): no fingerprint hashing every value of each batch;
    # it would only name the batch, and show up on every page as a 32-hex string.
    pandas_execution_engine.HASH_THRESHOLD = 0
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in SITE_ENTRIES:
        path = out_dir / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.update_data_docs_site(
        SITE,
        {
            "class_name": "SiteBuilder",
            # GX's site builder takes this option; its TypedDict of site settings omits it
            "show_how_to_buttons": False,  # type: ignore[typeddict-unknown-key]
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(out_dir),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    source = context.data_sources.add_pandas("warehouse")
    with Warehouse(target) as wh:
        current = current_deliveries(wh)
        for agency in contract.AGENCIES:
            for entity in contract.entities(agency):
                suite = context.suites.add(gx.ExpectationSuite(**load_suite(entity)))
                if agency not in current:
                    continue
                delivery_id, extract_date = current[agency]
                asset = source.add_dataframe_asset(suite_name(entity))
                batch = asset.add_batch_definition_whole_dataframe("current delivery")
                definition = context.validation_definitions.add(
                    gx.ValidationDefinition(name=suite_name(entity), data=batch, suite=suite)
                )
                definition.run(
                    batch_parameters={"dataframe": _frame(wh, entity, delivery_id)},
                    run_id=RunIdentifier(run_name=f"{agency}-{extract_date}-{delivery_id}"),
                )
    context.build_data_docs(site_names=[SITE])
    if not (out_dir / "index.html").exists():
        raise RuntimeError(f"Great Expectations did not write {out_dir / 'index.html'}")
