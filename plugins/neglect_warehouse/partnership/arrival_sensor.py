"""The arrival sensor: each ``ingest_<agency>`` DAG run starts by waiting, deferred (no worker
slot held), for a delivery of its agency to arrive whole in the landing folder
(docs/transfer.md). What "arrived whole" means is in ``ingest/arrival.py``.

``DeliveryArrivalSensor`` asks the warehouse which deliveries it has already settled, then
defers to ``DeliveryArrivalTrigger``, which scans ``<landing>/<agency>/`` every
``poll_seconds`` in a thread. The trigger fires as soon as a delivery is ready; when
``wait_seconds`` pass with none, it fires with what is still waiting. Back on a worker the
sensor returns ``{"ready": [manifest paths], "overdue": [{...}]}`` for the load task: overdue
deliveries (waiting longer than ``grace_seconds``) are reported, never waited on for ever.
With nothing ready and nothing overdue the run is skipped and the next run waits again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from airflow.sdk import BaseOperator
from airflow.triggers.base import BaseTrigger, TriggerEvent

CLASSPATH = "neglect_warehouse.partnership.arrival_sensor.DeliveryArrivalTrigger"


class DeliveryArrivalTrigger(BaseTrigger):
    """Fires once: when a delivery of ``agency`` is ready, or when ``wait_seconds`` are up."""

    def __init__(
        self,
        landing: str,
        agency: str,
        settled: list[str],
        wait_seconds: float,
        grace_seconds: float,
        poll_seconds: float,
        started: float | None = None,
    ):
        super().__init__()
        self.landing = landing
        self.agency = agency
        self.settled = settled
        self.wait_seconds = wait_seconds
        self.grace_seconds = grace_seconds
        self.poll_seconds = poll_seconds
        # kept through serialisation, so that a restarted triggerer keeps the deadline
        self.started = time.time() if started is None else started

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            CLASSPATH,
            {
                "landing": self.landing,
                "agency": self.agency,
                "settled": self.settled,
                "wait_seconds": self.wait_seconds,
                "grace_seconds": self.grace_seconds,
                "poll_seconds": self.poll_seconds,
                "started": self.started,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        from pathlib import Path

        from neglect_warehouse.partnership.ingest.arrival import HashCache, scan

        cache, settled = HashCache(), set(self.settled)
        while True:
            found = await asyncio.to_thread(scan, Path(self.landing), self.agency, settled, cache)
            now = time.time()
            if found.ready or now - self.started >= self.wait_seconds:
                overdue = [
                    {"stamp": w.stamp, "reason": w.reason, "manifest": w.manifest,
                     "waiting_hours": round((now - w.newest) / 3600, 1)}
                    for w in found.waiting
                    if w.overdue(self.grace_seconds, now)
                ]  # fmt: skip
                yield TriggerEvent({"ready": found.ready, "overdue": overdue})
                return
            await asyncio.sleep(self.poll_seconds)


class DeliveryArrivalSensor(BaseOperator):
    """Wait, deferred, for a new complete delivery of ``agency`` (see the module's text)."""

    ui_color = "#e4f0e8"

    def __init__(self, *, agency: str, **kwargs):
        super().__init__(**kwargs)
        self.agency = agency

    def execute(self, context) -> None:
        from neglect_warehouse.partnership import settings
        from neglect_warehouse.partnership.ingest.pipeline import settled_deliveries

        settled = sorted(settled_deliveries(settings.warehouse(), self.agency))
        wait, grace, poll = settings.arrival_timing()
        self.log.info(
            "waiting up to %.0f s for a %s delivery in %s (reported when incomplete after %.0f s)",
            wait,
            self.agency,
            settings.landing(),
            grace,
        )
        self.defer(
            trigger=DeliveryArrivalTrigger(
                str(settings.landing().resolve()), self.agency, settled, wait, grace, poll
            ),
            method_name="execute_complete",
        )

    def execute_complete(self, context, event: dict) -> dict:
        from airflow.sdk.exceptions import AirflowSkipException

        for o in event["overdue"]:
            self.log.warning(
                "%s delivery %s overdue (%s h): %s",
                self.agency,
                o["stamp"],
                o["waiting_hours"],
                o["reason"],
            )
        if not event["ready"] and not event["overdue"]:
            raise AirflowSkipException(f"no new {self.agency} delivery arrived")
        return event
