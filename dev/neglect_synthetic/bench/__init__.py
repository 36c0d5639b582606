"""Benchmarks anyone can rerun; their results are recorded in docs/benchmarks.md."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

KEY = "benchmark-key-not-a-secret"


def generate(profile: str, out: Path, landing: Path, *extra: str) -> Path:
    """A synthetic partnership of ``profile`` through the CLI (``extra``: more options, e.g.
    ``--seed``, ``--deliveries``), pseudonymised with the benchmarks' key; returns
    ``landing``."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "neglect_warehouse.cli",
            "generate",
            "--profile",
            profile,
            "--out",
            str(out),
            "--landing",
            str(landing),
            *extra,
        ],
        env={**os.environ, "NEGLECT_WAREHOUSE_KEY": KEY},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return landing
