"""Run the dbt project (``dbt_project/``) against a warehouse: what the ``transform`` DAG and
``neglect-warehouse run`` call (docs/transform.md).

dbt runs in this process (``dbtRunner``), so its imports are paid once per process, and keeps
its ``target/`` between builds of one warehouse (``state_directory``), so a build parses only
what changed since the last one (dbt's partial parsing). Two things make in-process dbt safe
to mix with our own connections: dbt-duckdb's process-wide DuckDB environment is closed after
every invocation (else the process could not reopen the file with its own settings, and would
hold the lock until it exits), and every DuckDB the pipeline opens uses the same configuration
(``warehouse.duckdb_config``, also the profile's ``config_options``). ``profiles.yml`` reads
its settings from the environment: they are set for the invocation only, under a lock.
dbt's per-node results are read back from ``run_results.json``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from neglect_warehouse.partnership.paths import DBT_PROJECT, user_cache
from neglect_warehouse.partnership.warehouse import Target, Warehouse, duckdb_config
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
    "NEGLECT_WAREHOUSE_MEMORY",
    "NEGLECT_WAREHOUSE_SPILL",
    "NEGLECT_WAREHOUSE_PGHOST",
    "NEGLECT_WAREHOUSE_PGPORT",
    "NEGLECT_WAREHOUSE_PGUSER",
    "NEGLECT_WAREHOUSE_PGPASSWORD",
    "NEGLECT_WAREHOUSE_PGDATABASE",
)
STATE_ENV = "NEGLECT_WAREHOUSE_DBT_STATE"
# In the state folder: the code_fingerprint whose unit tests all passed on this warehouse.
UNIT_TESTED = "unit-tested"
# One dbt invocation at a time in a process: the profile's settings are environment variables.
_INVOKING = threading.Lock()


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
        location = str(Path(target.location).resolve())
        config = duckdb_config(location)
        return {
            "NEGLECT_WAREHOUSE_TARGET": "duckdb",
            "NEGLECT_WAREHOUSE_DUCKDB": location,
            "NEGLECT_WAREHOUSE_MEMORY": config["memory_limit"],
            "NEGLECT_WAREHOUSE_SPILL": config["temp_directory"],
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


def code_fingerprint(project_dir: Path = PROJECT) -> str:
    """A hash of the dbt project's code: every file dbt reads (models, macros, tests, seeds,
    the project and profile files)."""
    digest = hashlib.sha256()
    for path in sorted(Path(project_dir).rglob("*")):
        relative = path.relative_to(project_dir)
        if not path.is_file() or relative.parts[0] in ("target", "logs", "dbt_packages"):
            continue
        digest.update(f"{relative}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def state_directory(target: Target, project_dir: Path = PROJECT) -> Path:
    """Where dbt keeps its ``target/`` (manifest, ``partial_parse.msgpack``, run results) and
    ``logs/`` between builds of ``target``: ``$NEGLECT_WAREHOUSE_DBT_STATE/<key>`` if set; else
    ``<file>.dbt`` beside a DuckDB warehouse, or a folder of the user's cache for PostgreSQL.
    The key names the project and the warehouse (never a password)."""
    place = str(Path(target.location).resolve()) if target.kind == "duckdb" else str(target)
    key = hashlib.sha256(f"{Path(project_dir).resolve()}|{place}".encode()).hexdigest()[:16]
    if os.environ.get(STATE_ENV):
        return Path(os.environ[STATE_ENV]) / key
    if target.kind == "duckdb":
        return Path(place + ".dbt")
    return user_cache() / "dbt" / key


def build(
    target: Target,
    select: str | None = None,
    *,
    exclude: str | None = None,
    full_refresh: bool = False,
    artifacts: Path | None = None,
    project_dir: Path | None = None,
    command: str = "build",
) -> BuildResult:
    """``dbt build`` (seeds, models, snapshots and tests, in dependency order) on ``target``.

    ``command`` is ``build`` (default), ``run`` or ``test`` (the data tests only, e.g. the
    board pack's audit). ``select``/``exclude`` are dbt node selections (space-separated
    unions, e.g. ``agency_selection(agency)``); None builds everything. dbt's ``target/`` and
    ``logs/`` go to ``artifacts`` if given, else to ``state_directory(target)``, kept for the
    next build's partial parsing. ``project_dir`` defaults to
    ``$NEGLECT_WAREHOUSE_DBT_PROJECT``, else the ``dbt_project/`` beside this package (an
    editable install, as ``make setup`` makes). Raises TransformError naming the failing nodes.

    dbt's unit tests test the project's code, not data: a ``build`` skips them when they have
    passed on this warehouse for exactly this code (``code_fingerprint``), recorded in the
    state folder by the last build that ran them all.
    """
    project_dir = Path(project_dir or os.environ.get(PROJECT_ENV) or PROJECT)
    work = Path(artifacts) if artifacts is not None else state_directory(target, project_dir)
    work.mkdir(parents=True, exist_ok=True)
    run_results = work / "target" / "run_results.json"
    tested = work / UNIT_TESTED
    all_unit_tests = command == "build" and not select and "test_type:unit" not in (exclude or "")
    code = code_fingerprint(project_dir) if all_unit_tests else ""  # read only when it decides
    if all_unit_tests and tested.exists() and tested.read_text() == code:
        exclude = f"{exclude} test_type:unit" if exclude else "test_type:unit"
        all_unit_tests = False
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
        "--log-level",
        "none",  # what dbt says is collected (BuildResult.output); the caller prints it
        "--log-level-file",
        "debug" if artifacts is not None else "none",
    ]
    if select:
        args += ["--select", *select.split()]
    if exclude:
        args += ["--exclude", *exclude.split()]
    if full_refresh:
        args.append("--full-refresh")
    lines: list[str] = []
    with _one_build(work), _profile_environment(target):
        run_results.unlink(missing_ok=True)
        started = time.perf_counter()
        try:
            done = _invoke(args, lines)
        finally:
            _release_duckdb()
        seconds = time.perf_counter() - started
        nodes = _nodes(run_results) if run_results.exists() else []
    output = "\n".join(lines)
    failures = [n for n in nodes if n["status"] in FAILED]
    if not done or failures:
        tested.unlink(missing_ok=True)
        raise TransformError(_failure_message(target, select, failures, output), failures, output)
    if all_unit_tests:
        tested.write_text(code)
    return BuildResult(
        select=select,
        seconds=seconds,
        counts=dict(Counter(n["status"] for n in nodes)),
        nodes=nodes,
        output=output,
    )


def _invoke(args: list[str], lines: list[str]) -> bool:
    """``dbt <args>`` in this process; what dbt says at level info and above into ``lines``."""
    from dbt.cli.main import dbtRunner

    def collect(event) -> None:
        if event.info.level in ("info", "warn", "error") and event.info.msg:
            lines.append(event.info.msg)

    result = dbtRunner(callbacks=[collect]).invoke(args)
    if result.exception is not None:
        lines.append(f"{type(result.exception).__name__}: {result.exception}")
    return bool(result.success)


@contextmanager
def _one_build(work: Path) -> Iterator[None]:
    """One build at a time in ``work`` (its partial-parse file and run results), across
    processes too."""
    with open(work / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@contextmanager
def _profile_environment(target: Target) -> Iterator[None]:
    """The environment ``profiles.yml`` reads, for ``target`` and for one invocation: any
    inherited profile variable is removed first, so another warehouse's setting cannot leak
    into a build."""
    wanted = {**dbt_env(target), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    with _INVOKING:
        saved = {k: os.environ.get(k) for k in (*PROFILE_ENV, *wanted)}
        try:
            for k in PROFILE_ENV:
                os.environ.pop(k, None)
            os.environ.update(wanted)
            yield
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


def _release_duckdb() -> None:
    """Close dbt-duckdb's process-wide DuckDB environment, which outlives ``invoke``."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # dbt-duckdb not installed: a PostgreSQL-only deployment
        return
    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


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
