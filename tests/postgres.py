"""A fresh PostgreSQL database per test (the server on 127.0.0.1:5432, trust auth), dropped
afterwards. Set NEGLECT_WAREHOUSE_TEST_PG to another server's URL prefix (a superuser's) to use
that."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

ADMIN = os.environ.get("NEGLECT_WAREHOUSE_TEST_PG", "postgresql://postgres@127.0.0.1:5432")


def as_role(url: str, role: str) -> str:
    """``url`` with ``role`` as its user (no password: trust auth)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{role}@{host}"))


@contextmanager
def fresh_database(init: bool = True, prefix: str = "nw_test"):
    """Yields the URL of a new database named ``<prefix>_<random>``: initialised as production
    is (`neglect-warehouse db init`) and as the ``pipeline`` role, or with ``init=False`` bare
    and as the superuser."""
    import psycopg2

    from neglect_warehouse.partnership import access

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(f"{ADMIN}/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"create database {name}")
    try:
        if init:
            access.init(f"{ADMIN}/{name}")
            yield as_role(f"{ADMIN}/{name}", access.PIPELINE)
        else:
            yield f"{ADMIN}/{name}"
    finally:
        with admin.cursor() as cur:
            cur.execute(f"drop database if exists {name} with (force)")
        admin.close()
