"""A fresh PostgreSQL database per test (the server on 127.0.0.1:5432, trust auth), dropped
afterwards. Set NEGLECT_WAREHOUSE_TEST_PG to another server's URL prefix to use that."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

ADMIN = os.environ.get("NEGLECT_WAREHOUSE_TEST_PG", "postgresql://postgres@127.0.0.1:5432")


@contextmanager
def fresh_database():
    import psycopg2

    name = f"nw_test_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(f"{ADMIN}/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"create database {name}")
    try:
        yield f"{ADMIN}/{name}"
    finally:
        with admin.cursor() as cur:
            cur.execute(f"drop database if exists {name} with (force)")
        admin.close()
