"""Benchmark: the whole pipeline, landing folder to published board pack, as `make run` runs it.

    make bench                      # la and region, written into docs/benchmarks.md
    python -m neglect_synthetic.bench.bench_pipeline --profile la [--agency csc] [--write]

The profile is generated once, with two monthly deliveries (default defects), and cached in
``data/bench/<profile>/`` (``--cache``). Then, each in a new warehouse:

1. **full**: the reference files and every agency's first delivery, through
   ``neglect-warehouse run`` (``run_dags.run_landing``: the real DAGs with ``dag.test()``);
2. **next month**: the other agencies' next deliveries are loaded (not timed); then the last
   agency's (``--agency``) arrives, and ``run`` again: its ingest, the transform and the new
   month's pack, which that delivery completes;
3. **equal**: a new warehouse gets the same landing folder in one run, and every marts table
   is compared, row for row, with the one after step 2.

Each step's wall time and the peak resident memory of the largest single process, sampled
every 50 ms over the process tree of the run (the DAG runner, and anything it starts). The
targets are issue 17's (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil

from neglect_synthetic.bench import generate
from neglect_warehouse.shared.contract import AGENCIES

BENCH_START = "<!-- bench_pipeline: start -->"
BENCH_END = "<!-- bench_pipeline: end -->"
DOCS = Path(__file__).resolve().parents[3] / "docs" / "benchmarks.md"


class Sampler:
    """Peak RSS of the largest process among this process's descendants (and itself), per
    step; ``step`` names the step the samples count for."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.step = "start"
        self.peaks: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            largest = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    largest = max(largest, process.memory_info().rss)
                except psutil.Error:
                    continue
            self.peaks[self.step] = max(self.peaks.get(self.step, 0), largest)
            self._stop.wait(self.interval)


def cached_generation(profile: str, cache: Path) -> Path:
    """The profile's landing folder (two monthly deliveries), generated on first use."""
    done = cache / ".generated"
    landing = cache / "generated"
    if not done.exists():
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        generate(profile, cache / "out", landing, "--deliveries", "2")
        done.write_text(dt.datetime.now().isoformat())
    return landing


def _stamps(generated: Path, agency: str) -> list[str]:
    return sorted(p.stem.rsplit("__", 1)[1] for p in (generated / agency).glob("*__manifest__*"))


def deliver(generated: Path, landing: Path, agency: str, which: int) -> None:
    stamp = _stamps(generated, agency)[which]
    (landing / agency).mkdir(parents=True, exist_ok=True)
    for path in sorted((generated / agency).glob(f"{agency}__*__{stamp}.*")):
        shutil.copy2(path, landing / agency / path.name)


def timed_run(landing: Path, warehouse: Path, out: Path) -> dict:
    """``neglect-warehouse run`` on ``landing``: seconds and peak memory per step."""
    from neglect_warehouse.partnership.run_dags import run_landing

    steps: dict[str, float] = {}
    begun = time.perf_counter()
    since = [begun]  # when the current step (sampler.step) began
    with Sampler() as sampler:
        sampler.step = "airflow start"

        def started(dag_id: str) -> None:
            now = time.perf_counter()
            steps[sampler.step] = now - since[0]
            since[0] = now
            sampler.step = dag_id

        summary = run_landing(
            landing, str(warehouse), out, echo=lambda line: None, on_start=started
        )
        now = time.perf_counter()
        steps[sampler.step] = now - since[0]
        total = now - begun
    if not summary["ok"]:
        raise SystemExit(f"the run failed: see {out / 'run-summary.md'}")
    ran = {r["dag_id"]: r["state"] for r in summary["dag_runs"]}
    return {
        "seconds": round(total, 1),
        "peak_mb": round(max(sampler.peaks.values()) / 2**20),
        "steps": {
            step: {
                "seconds": round(seconds, 1),
                "peak_mb": round(sampler.peaks.get(step, 0) / 2**20),
                "state": ran.get(step, ""),
            }
            for step, seconds in steps.items()
        },
    }


DAG_IMPORT = """
import importlib.util, sys, time
import airflow.sdk  # loaded once per parsing process; the DAG file alone is timed
start = time.perf_counter()
spec = importlib.util.spec_from_file_location("probe", sys.argv[1])
spec.loader.exec_module(importlib.util.module_from_spec(spec))
print(time.perf_counter() - start)
"""


def dag_import_seconds(tries: int = 3) -> dict[str, float]:
    """Each DAG file's import time (the best of ``tries``), Airflow already imported."""
    import subprocess
    import sys

    from neglect_warehouse.partnership.paths import DAGS
    from neglect_warehouse.partnership.run_dags import airflow_env

    times = {}
    with tempfile.TemporaryDirectory(prefix="bench-dag-import-") as home:
        env = airflow_env(Path(home), NEGLECT_AGENCY_EXTRACTS="csc=ssd,police=rms")
        for path in sorted(DAGS.glob("*.py")):
            runs = [
                float(
                    subprocess.run(
                        [sys.executable, "-c", DAG_IMPORT, str(path)],
                        env=env,
                        capture_output=True,
                        text=True,
                        check=True,
                    ).stdout.split()[-1]
                )
                for _ in range(tries)
            ]
            times[path.name] = round(min(runs), 3)
    return times


# When the pipeline processed a delivery: the wall clock, not data.
CLOCK_COLUMNS = ("processed_at",)


def marts_differences(a: Path, b: Path) -> dict[str, int]:
    """Rows of each marts table in one warehouse and not the other (both ways), leaving out
    the columns that record the wall clock (``CLOCK_COLUMNS``)."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"attach '{a}' as a (read_only)")
    con.execute(f"attach '{b}' as b (read_only)")
    tables = [
        t
        for (t,) in con.execute(
            "select table_name from duckdb_tables() where database_name = 'a' "
            "and schema_name = 'marts' order by 1"
        ).fetchall()
    ]
    differences = {}
    for t in tables:
        names = [
            f'"{c}"'
            for (c,) in con.execute(
                "select column_name from duckdb_columns() where database_name = 'a' "
                "and schema_name = 'marts' and table_name = ? order by column_index",
                [t],
            ).fetchall()
            if c not in CLOCK_COLUMNS
        ]
        cols = ", ".join(names)
        (n,) = con.execute(
            f"select count(*) from ((select {cols} from a.marts.{t} except all "
            f"select {cols} from b.marts.{t}) union all (select {cols} from b.marts.{t} "
            f"except all select {cols} from a.marts.{t}))"
        ).fetchall()[0]
        differences[t] = n
    return differences


def bench(profile: str, agency: str, cache: Path, work: Path) -> dict:
    generated = cached_generation(profile, cache)
    landing = work / "landing"
    shutil.copytree(generated / "reference", landing / "reference")
    for a in AGENCIES:
        deliver(generated, landing, a, 0)
    full = timed_run(landing, work / "warehouse.duckdb", work / "full")
    for other in AGENCIES:
        if other != agency:
            deliver(generated, landing, other, 1)
    timed_run(landing, work / "warehouse.duckdb", work / "others")
    deliver(generated, landing, agency, 1)
    incremental = timed_run(landing, work / "warehouse.duckdb", work / "next")
    once = timed_run(landing, work / "equal" / "warehouse.duckdb", work / "equal")
    differences = marts_differences(work / "warehouse.duckdb", work / "equal" / "warehouse.duckdb")
    return {
        "profile": profile,
        "agency": agency,
        "full": full,
        "next_month": incremental,
        "next_month_vs_full": round(incremental["seconds"] / full["seconds"], 2),
        "equal_run_seconds": once["seconds"],
        "marts_rows_differing": differences,
        "incremental_equals_full": not any(differences.values()),
        "dag_import_s": dag_import_seconds(),
        "memory_setting": os.environ.get("NEGLECT_WAREHOUSE_MEMORY") or "1.5GB (default)",
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
    }


def table(reports: list[dict]) -> str:
    """The markdown that ``--write`` puts into docs/benchmarks.md."""
    lines = []
    for r in reports:
        lines += [
            f"**`{r['profile']}`** ({r['date']}, {r['cpus']} cores, memory setting "
            f"{r['memory_setting']}): full run **{r['full']['seconds']} s**, peak "
            f"{r['full']['peak_mb']} MB; {r['agency']}'s next month **"
            f"{r['next_month']['seconds']} s** ({r['next_month_vs_full']:.0%} of the full run), "
            f"peak {r['next_month']['peak_mb']} MB; incremental equals full: "
            f"{'yes' if r['incremental_equals_full'] else 'NO'}; DAG files import in "
            + ", ".join(f"{s} s ({n})" for n, s in r["dag_import_s"].items())
            + ".",
            "",
            "| step | full: s | full: peak MB | next month: s | next month: peak MB |",
            "|---|---:|---:|---:|---:|",
        ]
        for step, f in r["full"]["steps"].items():
            n = r["next_month"]["steps"].get(step, {"seconds": "", "peak_mb": "", "state": ""})
            note = f" ({n['state']})" if n.get("state") not in ("", "success") else ""
            lines.append(
                f"| {step} | {f['seconds']} | {f['peak_mb']} | {n['seconds']}{note} "
                f"| {n['peak_mb']} |"
            )
        lines.append("")
    return "\n".join(lines)


def write_docs(text: str, docs: Path = DOCS) -> None:
    content = docs.read_text()
    start, end = content.index(BENCH_START), content.index(BENCH_END)
    docs.write_text(content[: start + len(BENCH_START)] + "\n\n" + text + "\n" + content[end:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="append", choices=["tiny", "small", "la", "region"])
    parser.add_argument("--agency", default="csc", choices=AGENCIES)
    parser.add_argument("--cache", type=Path, default=Path("data/bench"))
    parser.add_argument("--work", type=Path, help="keep the warehouses and runs here")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    for profile in args.profile or ["la"]:
        with tempfile.TemporaryDirectory(prefix=f"bench-pipeline-{profile}-") as tmp:
            work = (args.work / profile) if args.work else Path(tmp)
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            report = bench(profile, args.agency, args.cache / profile, work)
        (args.cache / f"{profile}.json").write_text(json.dumps(report, indent=2) + "\n")
        print(json.dumps(report, indent=2))
    # the docs show the latest report of every profile measured (data/bench/<profile>.json)
    reports = [
        json.loads((args.cache / f"{p}.json").read_text())
        for p in ("tiny", "small", "la", "region")
        if (args.cache / f"{p}.json").exists()
    ]
    print(table(reports))
    if args.write:
        write_docs(table(reports))
        print(f"written into {DOCS}")


if __name__ == "__main__":
    main()
