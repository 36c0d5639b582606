"""Benchmark: generate one delivery of every agency (raw + pseudonymised) for a profile.

    python -m neglect_synthetic.bench.bench_generate --profile la
    python -m neglect_synthetic.bench.bench_generate --profile region

Prints wall time per stage, rows written and peak memory (maximum resident set size of the
process), and checks them against the targets of issue 3 (la under 60 s; region under 10
minutes and 4 GB)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import TypedDict


class Target(TypedDict):
    seconds: int
    peak_mb: int | None  # None: no memory target


TARGETS: dict[str, Target] = {
    "la": {"seconds": 60, "peak_mb": None},
    "region": {"seconds": 600, "peak_mb": 4096},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="la", choices=["tiny", "small", "la", "region"])
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="Folder for the output (default: a temporary folder, removed).",
    )
    args = parser.parse_args()

    from neglect_synthetic.generator.deliver import deliver_all
    from neglect_synthetic.generator.generate import generate
    from neglect_synthetic.generator.profile_settings import load_settings

    work = args.work or Path(tempfile.mkdtemp(prefix=f"bench-{args.profile}-"))
    try:
        t0 = time.perf_counter()
        result = generate(
            load_settings(args.profile), args.seed, dt.date(2026, 10, 31), 1, work / "out"
        )
        t1 = time.perf_counter()
        deliver_all(result, work / "landing", b"benchmark-key-not-a-secret", "bench")
        t2 = time.perf_counter()
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "profile": args.profile,
        "rows": sum(result.rows.values()),
        "generate_raw_s": round(t1 - t0, 1),
        "pseudonymise_s": round(t2 - t1, 1),
        "total_s": round(t2 - t0, 1),
        "peak_mb": round(peak_mb),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
    }
    print(json.dumps(report, indent=2))
    target = TARGETS.get(args.profile)
    if target:
        ok = report["total_s"] <= target["seconds"] and (
            target["peak_mb"] is None or report["peak_mb"] <= target["peak_mb"]
        )
        print(f"target ({target}): {'met' if ok else 'NOT MET'}")


if __name__ == "__main__":
    main()
