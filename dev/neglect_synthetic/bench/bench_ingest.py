"""Benchmark: validate-and-load one delivery of every agency, against DuckDB alone.

    python -m neglect_synthetic.bench.bench_ingest --profile la
    python -m neglect_synthetic.bench.bench_ingest --profile region

Generates the profile's delivery (one extract date, default defects) unless --landing names
one, then measures in separate processes, so each has its own peak memory:

- ``duckdb_scan``: DuckDB alone reading every file with the same explicit schema (all
  columns text, header checked, no type detection): ``count(*)`` over ``read_csv``;
- ``duckdb_load``: DuckDB alone loading the same files, same schema, into tables of a new
  DuckDB file (what a bare "load" would do);
- ``ingest``: the warehouse's ingest (checks, GX suites, consistency rules, atomic load) into a
  new DuckDB file, Great Expectations already imported (a worker imports it once).

Target (issue 4): ingest at most 5× DuckDB alone; peak memory under 2 GB on ``region``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from neglect_synthetic.bench import generate


def _files(landing: Path) -> list[Path]:
    return sorted(p for p in landing.glob("*/*.csv"))


def _columns(path: Path) -> str:
    with open(path, encoding="utf-8-sig") as f:
        header = next(csv.reader(f))
    return "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in header) + "}"


def _read_csv(path: Path) -> str:
    return (
        f"read_csv('{path}', columns = {_columns(path)}, header = true, "
        "auto_detect = false, delim = ',', quote = '\"', escape = '\"')"
    )


def measure(kind: str, landing: Path, work: Path) -> dict:
    import duckdb

    if kind == "ingest":
        from neglect_warehouse.partnership.ingest.folder import ingest_landing
        from neglect_warehouse.partnership.ingest.pipeline import Options
        from neglect_warehouse.partnership.ingest.validate import _context
        from neglect_warehouse.partnership.warehouse import Target

        _context()  # import GX before the clock starts
        start = time.perf_counter()
        outcomes = ingest_landing(
            landing, Target.parse(work / "ingest.duckdb"), Options(work / "quarantine")
        )
        seconds = time.perf_counter() - start
        detail = {o.agency: o.state for o in outcomes}
        rows = sum(o.rows_loaded for o in outcomes)
    else:
        files = [p for p in _files(landing) if p.parent.name != "reference"]
        start = time.perf_counter()
        con = duckdb.connect(str(work / "alone.duckdb") if kind == "duckdb_load" else ":memory:")
        rows = 0
        for i, path in enumerate(files):
            if kind == "duckdb_scan":
                count = con.execute(f"select count(*) from {_read_csv(path)}").fetchone()
            else:
                con.execute(f"create table t{i} as select * from {_read_csv(path)}")
                count = con.execute(f"select count(*) from t{i}").fetchone()
            assert count is not None  # count(*) without group by: always one row
            rows += count[0]
        con.execute("checkpoint") if kind == "duckdb_load" else None
        con.close()
        seconds = time.perf_counter() - start
        detail = {}
    return {
        "kind": kind,
        "seconds": round(seconds, 2),
        "rows": rows,
        "detail": detail,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="la", choices=["tiny", "small", "la", "region"])
    parser.add_argument("--landing", type=Path, help="an existing landing folder to use")
    parser.add_argument(
        "--measure", choices=["duckdb_scan", "duckdb_load", "ingest"], help=argparse.SUPPRESS
    )
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print("RESULT " + json.dumps(measure(args.measure, args.landing, args.work)))
        return

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        work = Path(tmp)
        landing = args.landing
        if landing is None:
            landing = work / "landing"
            generate(args.profile, work / "out", landing)
        results = {}
        for kind in ("duckdb_scan", "duckdb_load", "ingest"):
            out = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "neglect_synthetic.bench.bench_ingest",
                    "--measure",
                    kind,
                    "--landing",
                    str(landing),
                    "--work",
                    str(work),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
            results[kind] = json.loads(line[len("RESULT ") :])
        ingest = results["ingest"]["seconds"]
        report = {
            "profile": args.profile,
            "rows": results["duckdb_scan"]["rows"],
            "duckdb_scan_s": results["duckdb_scan"]["seconds"],
            "duckdb_load_s": results["duckdb_load"]["seconds"],
            "ingest_s": ingest,
            "ingest_vs_duckdb_load": round(ingest / results["duckdb_load"]["seconds"], 2),
            "ingest_vs_duckdb_scan": round(ingest / results["duckdb_scan"]["seconds"], 2),
            "ingest_peak_mb": results["ingest"]["peak_mb"],
            "states": results["ingest"]["detail"],
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "date": dt.date.today().isoformat(),
        }
        print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
