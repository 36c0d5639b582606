"""The tiny partnership ingested and built once for the pack tests (they read it, or copy it)."""

from __future__ import annotations

import shutil

import pytest

from neglect_warehouse.partnership.ingest.folder import ingest_landing
from neglect_warehouse.partnership.ingest.pipeline import Options
from neglect_warehouse.partnership.transform.dbt_build import build
from neglect_warehouse.partnership.warehouse import Target


@pytest.fixture(scope="session")
def warehouse(tiny_clean, tmp_path_factory) -> Target:
    base = tmp_path_factory.mktemp("pack")
    shutil.copytree(tiny_clean / "landing", base / "landing")
    target = Target.parse(base / "warehouse" / "warehouse.duckdb")
    ingest_landing(base / "landing", target, Options(base / "quarantine"))
    build(target, exclude="test_type:unit")
    return target
