"""Every command explains itself (`--help`), through the installed console script."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = shutil.which("neglect-warehouse") or str(Path(sys.executable).parent / "neglect-warehouse")


@pytest.mark.parametrize(
    "command, expected",
    [
        ([], "generate"),
        (["generate"], "--deliveries"),
        (["pseudonymise"], "--key-file"),
        (["calibration"], "--profile"),
        (["dq-report"], "--delivery"),
    ],
)
@pytest.mark.parametrize("entry", ["script", "module"])
def test_help(command, expected, entry):
    """Through the console script and as ``python -m neglect_warehouse.cli`` (the benchmarks'
    way), where the development package's commands join while the CLI module is loading."""
    start = [SCRIPT] if entry == "script" else [sys.executable, "-m", "neglect_warehouse.cli"]
    result = subprocess.run(
        [*start, *command, "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


def test_unknown_profile_is_refused():
    result = subprocess.run(
        [SCRIPT, "generate", "--profile", "city", "--out", "/tmp/x"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "city" in result.stderr
