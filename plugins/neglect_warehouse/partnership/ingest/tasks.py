"""What the ingest DAGs' tasks do (the DAG files stay thin): the same ``ingest_landing``
the CLI runs, for one agency, with results shaped for XCom and asset events."""

from __future__ import annotations

from neglect_warehouse.partnership import settings
from neglect_warehouse.partnership.ingest.folder import ingest_landing, ingest_reference
from neglect_warehouse.partnership.ingest.pipeline import QUARANTINED, Options, Outcome
from neglect_warehouse.shared.contract import LOADED_STATES


def ingest_agency(agency: str) -> list[dict]:
    """Process every new delivery of ``agency``; one summary per delivery."""
    outcomes = ingest_landing(
        settings.landing(),
        settings.warehouse(),
        Options(settings.quarantine()),
        agencies=(agency,),
        reference=False,
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
