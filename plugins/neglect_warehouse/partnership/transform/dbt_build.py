"""Run the dbt project (``dbt_project/``) against a warehouse: what the ``transform`` DAG and
``neglect-warehouse run`` call (docs/transform.md).

dbt runs as a subprocess of this environment's Python, not in-process with ``dbtRunner``:
dbt-duckdb keeps a process-wide DuckDB connection open after ``dbtRunner.invoke`` returns, so
the calling process could not open the warehouse again (``Can't open a connection to same
database file with a different configuration``) and would hold its write lock until it exits;
and ``profiles.yml`` reads its settings from the environment, which a subprocess gets without
touching ``os.environ``. Each build has its own ``--target-path`` and ``--log-path`` (a fresh
temporary folder unless ``artifacts`` is given), so concurrent builds never share artefacts.
dbt's per-node results are read back from ``run_results.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from neglect_warehouse.partnership.paths import DBT_PROJECT
from neglect_warehouse.partnership.warehouse import Target, Warehouse
from neglect_warehouse.shared.contract import AGENCIES, REFERENCE

PROJECT = DBT_PROJECT
PROJECT_ENV = "NEGLECT_WAREHOUSE_DBT_PROJECT"
# Statuses of run_results.json that fail a build ("warn" and "skipped" do not by themselves).
FAILED = ("error", "fail", "runtime error")
# Set for dbt from the Target; removed from the inherited environment first so that a stale
# value (another warehouse's) can never leak into a build.
PROFILE_ENV = (
    "NEGLECT_WAREHOUSE_TARGET",
    "NEGLECT_WAREHOUSE_DUCKDB",
    "NEGLECT_WAREHOUSE_PGHOST",
    "NEGLECT_WAREHOUSE_PGPORT",
    "NEGLECT_WAREHOUSE_PGUSER",
    "NEGLECT_WAREHOUSE_PGPASSWORD",
    "NEGLECT_WAREHOUSE_PGDATABASE",
)


class TransformError(RuntimeError):
    """``dbt build`` failed. ``failures`` lists the failing nodes (unique id, status, message);
    when it is empty dbt stopped before running any node (project, profile or connection
    problem) and ``output`` holds what it printed."""

    def __init__(self, message: str, failures: list[dict], output: str):
        super().__init__(message)
        self.failures = failures
        self.output = output


@dataclass
class BuildResult:
    select: str | None
    seconds: float
    counts: dict[str, int]
    nodes: list[dict] = field(repr=False)
    output: str = field(repr=False)

    def summary(self) -> str:
        what = f"--select {self.select}" if self.select else "all models"
        counts = ", ".join(f"{n} {status}" for status, n in sorted(self.counts.items()))
        return f"dbt build ({what}): {counts} in {self.seconds:.1f} s"


def dbt_env(target: Target) -> dict[str, str]:
    """The variables ``dbt_project/profiles.yml`` reads, for ``target``."""
    if target.kind == "duckdb":
        return {
            "NEGLECT_WAREHOUSE_TARGET": "duckdb",
            "NEGLECT_WAREHOUSE_DUCKDB": str(Path(target.location).resolve()),
        }
    url = urlsplit(target.location)
    query = parse_qs(url.query)
    env = {"NEGLECT_WAREHOUSE_TARGET": "postgres"}
    values = {
        "PGHOST": url.hostname or query.get("host", [None])[0],
        "PGPORT": str(url.port) if url.port else query.get("port", [None])[0],
        "PGUSER": unquote(url.username) if url.username else query.get("user", [None])[0],
        "PGPASSWORD": unquote(url.password) if url.password else query.get("password", [None])[0],
        "PGDATABASE": unquote(url.path.lstrip("/")) or query.get("dbname", [None])[0],
    }
    env.update({f"NEGLECT_WAREHOUSE_{k}": v for k, v in values.items() if v})
    return env


def agency_selection(*agencies: str) -> str:
    """The ``--select`` that rebuilds only what new data of ``agencies`` (an agency or
    ``reference``) affects: each one's staging views and every model and test downstream of
    them. Valid once a full build has succeeded on the warehouse (the other agencies' staging
    views and the seeds must exist); see docs/transform.md."""
    unknown = set(agencies) - {*AGENCIES, REFERENCE}
    if unknown or not agencies:
        raise ValueError(f"not an agency: {sorted(unknown) or 'none given'}")
    return " ".join(f"source:{a}+" for a in sorted(set(agencies)))


def data_change_selection(*agencies: str) -> tuple[str, str]:
    """``(select, exclude)`` for a rebuild after new data of ``agencies``, when the project's
    code has not changed since the last full build: the tables downstream of their sources
    and every data test downstream of them (views and ephemeral models read the new data as
    they are, so they are not re-created; unit tests test code, not data)."""
    terms = agency_selection(*agencies).split()
    select = " ".join(f"{t},config.materialized:table {t},resource_type:test" for t in terms)
    return select, "test_type:unit"


def dbt_command() -> list[str]:
    """This environment's dbt (the one installed beside the running Python)."""
    beside = Path(sys.executable).with_name("dbt")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("dbt")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from dbt.cli.main import cli; sys.exit(cli())"]


def build(
    target: Target,
    select: str | None = None,
    *,
    exclude: str | None = None,
    full_refresh: bool = False,
    artifacts: Path | None = None,
    project_dir: Path | None = None,
    timeout: float | None = None,
    command: str = "build",
) -> BuildResult:
    """``dbt build`` (seeds, models, snapshots and tests, in dependency order) on ``target``.

    ``command`` is ``build`` (default) or ``test`` (run the data tests only, e.g. the board
    pack's audit). ``select``/``exclude`` are dbt node selections (space-separated unions, e.g.
    ``agency_selection(agency)``); None builds everything. ``artifacts`` keeps dbt's target and
    log folders there (``<artifacts>/target``, ``<artifacts>/logs``); by default they go to a
    temporary folder removed afterwards. ``project_dir`` defaults to
    ``$NEGLECT_WAREHOUSE_DBT_PROJECT``, else the ``dbt_project/`` beside this package (an
    editable install, as ``make setup`` makes). Raises TransformError naming the failing nodes.
    """
    project_dir = Path(project_dir or os.environ.get(PROJECT_ENV) or PROJECT)
    with tempfile.TemporaryDirectory(prefix="neglect-warehouse-dbt-") as scratch:
        work = Path(artifacts) if artifacts is not None else Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        run_results = work / "target" / "run_results.json"
        run_results.unlink(missing_ok=True)
        args = [
            command,
            "--project-dir",
            str(project_dir),
            "--profiles-dir",
            str(project_dir),
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
            "--no-use-colors",
        ]
        if select:
            args += ["--select", *select.split()]
        if exclude:
            args += ["--exclude", *exclude.split()]
        if full_refresh:
            args.append("--full-refresh")
        env = {k: v for k, v in os.environ.items() if k not in PROFILE_ENV}
        env.update(dbt_env(target))
        env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [*dbt_command(), *args],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            raise TransformError(
                f"dbt build on {target} did not finish within {timeout} s", [], _text(exc.stdout)
            ) from exc
        seconds = time.perf_counter() - started
        output = done.stdout + (f"\n{done.stderr}" if done.stderr.strip() else "")
        nodes = _nodes(run_results) if run_results.exists() else []

    failures = [n for n in nodes if n["status"] in FAILED]
    if done.returncode != 0 or failures:
        raise TransformError(_failure_message(target, select, failures, output), failures, output)
    return BuildResult(
        select=select,
        seconds=seconds,
        counts=dict(Counter(n["status"] for n in nodes)),
        nodes=nodes,
        output=output,
    )


def current_extracts(target: Target) -> dict[str, dict]:
    """Each agency's current delivery (``raw.current_deliveries``): what the marts now hold."""
    with Warehouse(target) as wh:
        rows = wh.query(
            "select agency, extract_date, delivery_id from raw.current_deliveries order by agency"
        )
    return {a: {"extract_date": str(d), "delivery_id": i} for a, d, i in rows}


def _nodes(run_results: Path) -> list[dict]:
    results = json.loads(run_results.read_text()).get("results", [])
    return [
        {
            "unique_id": r["unique_id"],
            "status": str(r["status"]),
            "message": r.get("message") or "",
            "failures": r.get("failures"),
            "seconds": round(r.get("execution_time") or 0.0, 3),
        }
        for r in results
    ]


def _failure_message(target: Target, select: str | None, failures: list[dict], output: str):
    what = f" --select {select}" if select else ""
    if not failures:
        lines = list(dict.fromkeys(line for line in output.splitlines() if line.strip()))
        errors = [line for line in lines if "error" in line.lower()]
        tail = "\n".join((errors or lines)[-25:])
        return f"dbt build{what} on {target} failed before running any node:\n{tail}"
    lines = [f"dbt build{what} on {target} failed: {len(failures)} node(s)"]
    for node in failures[:20]:
        message = " ".join(node["message"].split())[:400]
        lines.append(f"- {node['unique_id']} [{node['status']}]: {message}")
    if len(failures) > 20:
        lines.append(f"- … and {len(failures) - 20} more (see the task log)")
    return "\n".join(lines)


def _text(value) -> str:
    if value is None:
        return ""
    return value.decode(errors="replace") if isinstance(value, bytes) else value
