"""What the ingest DAGs' tasks do (the DAG files stay thin): the same ``ingest_landing``
the CLI runs, for one agency, with results shaped for XCom and asset events."""

from __future__ import annotations

from pathlib import Path

from neglect_warehouse.partnership import settings
from neglect_warehouse.partnership.ingest.folder import ingest_landing, ingest_reference
from neglect_warehouse.partnership.ingest.pipeline import QUARANTINED, Options, Outcome
from neglect_warehouse.shared.contract import LOADED_STATES


def ingest_agency(agency: str, arrived: dict | None = None) -> list[dict]:
    """Process the deliveries of ``agency`` the arrival sensor found (``arrived``: ready and
    overdue manifests; an overdue one is recorded INCOMPLETE), or, without a sensor, every new
    delivery of ``agency``; one summary per delivery."""
    manifests = None
    if arrived is not None:
        manifests = [Path(p) for p in arrived["ready"]]
        manifests += [Path(o["manifest"]) for o in arrived["overdue"] if o["manifest"]]
    outcomes = ingest_landing(
        settings.landing(),
        settings.warehouse(),
        Options(settings.quarantine()),
        agencies=(agency,),
        reference=False,
        manifests=manifests,
    )
    return [summary(o) for o in outcomes]


def ingest_reference_files() -> dict | None:
    """Load the reference files if they changed; None when there is nothing new."""
    options = Options(settings.quarantine())
    outcome = ingest_reference(settings.landing(), settings.warehouse(), options)
    return summary(outcome) if outcome else None


def summary(o: Outcome) -> dict:
    return {
        "agency": o.agency,
        "extract_date": o.extract_date.isoformat(),
        "delivery_id": o.delivery_id,
        "state": o.state,
        "rows_loaded": o.rows_loaded,
        "rows_rejected": o.rows_rejected,
        "report": str(o.report) if o.report else None,
        "summary": o.summary(),
    }


def loaded(summaries: list[dict]) -> list[dict]:
    return [s for s in summaries if s["state"] in LOADED_STATES]


def quarantined(summaries: list[dict]) -> list[dict]:
    return [s for s in summaries if s["state"] == QUARANTINED]


def problems(summaries: list[dict], arrived: dict | None) -> list[str]:
    """What the run must fail loudly for: quarantined deliveries, and deliveries overdue
    (incomplete past the grace period, or files with no manifest)."""
    found = [s["summary"] for s in quarantined(summaries)]
    for o in (arrived or {}).get("overdue", []):
        found.append(
            f"overdue for {o['waiting_hours']} h: the delivery for {o['stamp']}: {o['reason']}"
        )
    return found
