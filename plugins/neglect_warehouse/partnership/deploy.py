"""Airflow in production form (deploy/airflow/celery.env, docs/airflow.md).

``hostname`` is the deployment's ``[core] hostname_callable``: the name a worker records in
``task_instance.hostname`` (the UI's "Hostname"). It is this machine's name, as Airflow's
default, unless ``$NEGLECT_WAREHOUSE_WORKER_NAME`` names the worker: two workers on one
machine (the end-to-end test, tests/production/) are then told apart.
"""

from __future__ import annotations

import os

WORKER_NAME = "NEGLECT_WAREHOUSE_WORKER_NAME"


def hostname() -> str:
    """``$NEGLECT_WAREHOUSE_WORKER_NAME`` when set, else this machine's fully qualified name."""
    name = os.environ.get(WORKER_NAME, "").strip()
    if name:
        return name
    from airflow.utils.net import getfqdn

    return getfqdn()
