"""Benchmark: extract every agency's delivery from its own source system.

    python -m neglect_synthetic.bench.bench_extract --profile la
    python -m neglect_synthetic.bench.bench_extract --profile la \\
        --target postgresql+psycopg2://postgres@127.0.0.1:5432/test
    python -m neglect_synthetic.bench.bench_extract --profile region

Generates the profile (one extract date) into source systems (``generate --sources``: DuckDB
files, or PostgreSQL schemas with --target) and, from the same raw extracts, the landing
``generate --landing`` makes; then, in a separate process (its own peak memory), runs
``extract`` for the four agencies one after the other, and checks the round trip: the
extracted landing must equal the generated one byte for byte.

Targets (issue 15): ``la`` in at most 30 s from DuckDB and 60 s from PostgreSQL; peak memory
under 600 MB on ``region``, bounded rather than growing with the source.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from neglect_synthetic.bench import KEY

EXTRACT_DATE = dt.date(2026, 10, 31)


def _generate(profile: str, work: Path, target: str) -> list[dict]:
    done = subprocess.run(
        [
            sys.executable, "-m", "neglect_warehouse.cli", "generate", "--profile", profile,
            "--out", str(work / "gen"), "--landing", str(work / "expected"),
            "--sources", target,
        ],
        env={**os.environ, "NEGLECT_WAREHOUSE_KEY": KEY},
        check=True,
        capture_output=True,
        text=True,
    )  # fmt: skip
    sources = []
    for line in done.stdout.splitlines():
        if line.startswith("source system: "):
            agency, system, date, url = line.removeprefix("source system: ").split(" ")
            sources.append({"agency": agency, "system": system, "date": date, "url": url})
    return sources


def measure(sources: list[dict], landing: Path) -> dict:
    from neglect_warehouse.agency import mapping as mappings
    from neglect_warehouse.agency.extract import extract

    per_agency = {}
    rows = 0
    start = time.perf_counter()
    for s in sources:
        began = time.perf_counter()
        report = extract(
            s["url"],
            mappings.load(s["agency"], s["system"]),
            dt.date.fromisoformat(s["date"]),
            landing,
            KEY.encode(),
            "synthetic",
        )
        per_agency[s["agency"]] = round(time.perf_counter() - began, 2)
        rows += sum(report.rows.values())
    return {
        "seconds": round(time.perf_counter() - start, 2),
        "per_agency_s": per_agency,
        "rows": rows,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="la", choices=["tiny", "small", "la", "region"])
    parser.add_argument("--target", help="a PostgreSQL URL (default: DuckDB files)")
    parser.add_argument(
        "--work", type=Path, help="keep the generated systems here and reuse them if present"
    )
    parser.add_argument("--sources-json", help=argparse.SUPPRESS)
    parser.add_argument("--landing", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sources_json:
        result = measure(json.loads(args.sources_json), args.landing)
        print("RESULT " + json.dumps(result))
        return

    from neglect_synthetic.sources.round_trip import differences
    from neglect_warehouse.shared.contract import AGENCIES

    with tempfile.TemporaryDirectory(prefix="bench-extract-") as tmp:
        work = args.work or Path(tmp)
        listing = work / "sources.json"
        began = time.perf_counter()
        if listing.exists():
            sources = json.loads(listing.read_text())
        else:
            sources = _generate(args.profile, work, args.target or str(work / "sources"))
            listing.write_text(json.dumps(sources))
        generated_s = time.perf_counter() - began
        shutil.rmtree(work / "landing", ignore_errors=True)
        out = subprocess.run(
            [
                sys.executable, "-m", "neglect_synthetic.bench.bench_extract",
                "--sources-json", json.dumps(sources), "--landing", str(work / "landing"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        if out.returncode:
            sys.exit(f"the extract failed:\n{out.stderr[-3000:]}")
        line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
        result = json.loads(line[len("RESULT ") :])
        found = differences(work / "expected", work / "landing", list(AGENCIES))
        report = {
            "profile": args.profile,
            "source": "postgresql" if args.target else "duckdb",
            "rows": result["rows"],
            "extract_s": result["seconds"],
            "per_agency_s": result["per_agency_s"],
            "extract_peak_mb": result["peak_mb"],
            "round_trip": "identical" if not found else found[:5],
            "generate_and_write_sources_s": round(generated_s, 1),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "date": dt.date.today().isoformat(),
        }
        print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
