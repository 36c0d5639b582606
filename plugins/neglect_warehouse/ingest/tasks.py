"""What the ingest DAGs' tasks do (the DAG files stay thin): the same ``ingest_landing``
the CLI runs, for one agency, with results shaped for XCom and asset events."""

from __future__ import annotations

from neglect_warehouse import settings
from neglect_warehouse.ingest.pipeline import QUARANTINED, Options
from neglect_warehouse.ingest.run import ingest_landing
from neglect_warehouse.warehouse import Target

LOADED_STATES = ("LOADED", "LOADED_WITH_WARNINGS")


def ingest_agency(agency: str) -> list[dict]:
    """Process every new delivery of ``agency``; one summary per delivery."""
    outcomes = ingest_landing(
        settings.landing(), Target.parse(), Options(settings.quarantine()), agencies=(agency,)
    )
    return [
        {
            "agency": o.agency,
            "extract_date": o.extract_date.isoformat(),
            "delivery_id": o.delivery_id,
            "state": o.state,
            "rows_loaded": o.rows_loaded,
            "rows_rejected": o.rows_rejected,
            "report": str(o.report) if o.report else None,
            "summary": o.summary(),
        }
        for o in outcomes
    ]


def loaded(summaries: list[dict]) -> list[dict]:
    return [s for s in summaries if s["state"] in LOADED_STATES]


def quarantined(summaries: list[dict]) -> list[dict]:
    return [s for s in summaries if s["state"] == QUARANTINED]
