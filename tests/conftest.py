"""Shared fixtures: synthetic partnerships generated once per test session, for real, through
the CLI the users run."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from neglect_warehouse.cli import main

# Property tests draw the same examples on every run (derandomize), so that CI's verdict on a
# commit does not depend on luck: a property broken by a change fails every time, and a
# counterexample found by chance elsewhere is reported, reproduced and fixed deliberately
# (docs/decisions.md), not met at random by an unrelated commit.
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.load_profile("repeatable")

TESTS = Path(__file__).parent
TEST_KEY = "partnership-test-key-2026"
SEED = 20261122


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`make test` runs on both cores (pytest-xdist, ``--dist loadgroup``): a test folder
    (or a top-level test file) is one group, run by one worker, so the session fixtures a
    folder shares (a tiny partnership ingested and built) are made once, not once per worker."""
    for item in items:
        parts = Path(str(item.path)).relative_to(TESTS).parts
        item.add_marker(pytest.mark.xdist_group(parts[0] if len(parts) > 1 else item.path.stem))


def run_cli(*args: str, key: str | None = TEST_KEY) -> str:
    env = {"NEGLECT_WAREHOUSE_KEY": key} if key is not None else {}
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def generate(base: Path, *extra: str) -> Path:
    run_cli(
        "generate",
        "--profile",
        "tiny",
        "--seed",
        str(SEED),
        "--out",
        str(base / "out"),
        "--landing",
        str(base / "landing"),
        *extra,
    )
    return base


@pytest.fixture(scope="session")
def tiny_clean(tmp_path_factory) -> Path:
    """tiny, two monthly deliveries, no injected defects."""
    return generate(tmp_path_factory.mktemp("tiny-clean"), "--deliveries", "2", "--clean")


@pytest.fixture(scope="session")
def tiny_defects(tmp_path_factory) -> Path:
    """tiny with defects at ten times the default rates, so every kind shows up."""
    base = tmp_path_factory.mktemp("tiny-defects")
    config = base / "defects.yml"
    config.write_text(
        "defects: {duplicate_row: 0.005, malformed_value: 0.005, invalid_code: "
        "0.005, consistency_breach: 0.02, late_delivery: 0.5, "
        "schema_drift_delivery: 0.3}\n"
    )
    return generate(base, "--deliveries", "2", "--config", str(config))
