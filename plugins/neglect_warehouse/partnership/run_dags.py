"""``neglect-warehouse run``: every complete delivery in a landing folder through the real
Airflow DAGs (docs/transform.md).

``ingest_reference``, ``ingest_<agency>`` for each agency, then ``transform``, each run once
with ``dag.test()`` in one child process (Airflow is imported once) against a throw-away
Airflow home with a SQLite metadata database. The DAGs read where the warehouse, the landing
folder and the quarantine are from the environment, as on a worker.

A quarantined or incomplete delivery fails its ingest run by design (``alert_on_problems``);
here it is reported (``<out>/quarantine``, the summary) and the run goes on to the transform,
exiting 0 unless asked otherwise. Any other failure of a DAG run makes the command exit
non-zero, after the remaining DAGs have run (an agency's failure does not stop the others, as
under the scheduler).

This module is also the child:
``python -m neglect_warehouse.partnership.run_dags [--no-retries] FILE:DAG_ID ...`` runs each
DAG with ``dag.test()`` and prints one ``RESULT_PREFIX`` line of JSON per DAG.
The DAG tests use the same functions (``airflow_env``, ``migrate``, ``run_dags``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from neglect_warehouse.partnership.paths import DAGS, user_cache
from neglect_warehouse.shared.contract import AGENCIES, DeliveryState

if TYPE_CHECKING:
    from sqlalchemy import Select

QUARANTINED = DeliveryState.QUARANTINED.value

SEQUENCE = (
    ("ingest_dags.py", "ingest_reference"),
    *(("ingest_dags.py", f"ingest_{a}") for a in AGENCIES),
    ("transform_dag.py", "transform"),
    ("pack_dag.py", "board_pack"),
)
START_PREFIX = "NEGLECT_WAREHOUSE_DAG_START "
RESULT_PREFIX = "NEGLECT_WAREHOUSE_DAG_RESULT "
# Tasks whose failure means "a delivery was quarantined" (reported, not a crash).
QUARANTINE_TASKS = {"alert_on_problems", "load_reference_files"}
# One pass over the landing folder: the arrival sensor looks once, and a delivery that is not
# whole is reported (recorded INCOMPLETE) at once rather than after a grace period.
ONE_PASS = {
    "NEGLECT_WAREHOUSE_ARRIVAL_WAIT": "0",
    "NEGLECT_WAREHOUSE_ARRIVAL_GRACE": "0",
    "NEGLECT_WAREHOUSE_ARRIVAL_POLL": "1",
}
FCT = "fct_indicator_values"


# --- Airflow home and the child process --------------------------------------------------


def airflow_env(home: Path, dags: Path = DAGS, **extra: str) -> dict[str, str]:
    """This process's environment without any AIRFLOW* setting, pointed at ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
            **extra,
        }
    )
    return env


def migrate(home: Path, timeout: float = 300) -> None:
    """Give a fresh Airflow home its SQLite metadata database: a copy of one migrated once per
    Airflow version and kept in the user's cache (``airflow_template``), not a migration per
    run (5 s or more)."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(airflow_template(timeout), home / "airflow.db")


def airflow_template(timeout: float = 300) -> Path:
    """A freshly migrated, empty SQLite metadata database for this Airflow version
    (``$XDG_CACHE_HOME/neglect-warehouse/airflow-<version>.db``), made on first use."""
    from importlib.metadata import version

    cache = user_cache()
    template = cache / f"airflow-{version('apache-airflow')}.db"
    if template.exists():
        return template
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="airflow-template-", dir=cache) as scratch:
        done = subprocess.run(
            [sys.executable, "-m", "airflow", "db", "migrate"],
            env=airflow_env(Path(scratch)),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"airflow db migrate failed in {scratch}:\n{done.stderr[-3000:]}")
        os.replace(Path(scratch) / "airflow.db", template)  # atomic: never half a template
    return template


def run_dags(
    home: Path,
    dags: list[tuple[str, str]],
    settings: dict[str, str],
    *,
    retries: bool = True,
    when_new: tuple[str, ...] = (),
    logical_date: dt.datetime | None = None,
    on_start: Callable[[str], None] | None = None,
    on_result: Callable[[dict], None] | None = None,
    log: Path | None = None,
    timeout: float | None = None,
) -> tuple[list[dict], str]:
    """Run each ``(dag file, dag id)`` in order with ``dag.test()`` in one child process.

    Returns one result per DAG that finished (``dag_id``, ``state``, ``run_id``, ``tasks``:
    task id → state, ``xcom``: task id → return value, ``events``: every asset event in the
    metadata database with its ``run_id``, ``seconds``) and the child's output, also written
    to ``log``. ``retries=False`` runs the DAGs with no task retries (a one-shot run should not
    sleep through a five-minute ``retry_delay``). A DAG in ``when_new`` runs only if a DAG before
    it emitted an asset event, as the scheduler would trigger it; otherwise its result has state
    ``not needed``. ``logical_date``: the runs' logical date (an extract DAG's month)."""
    command = [sys.executable, "-m", "neglect_warehouse.partnership.run_dags"]
    if not retries:
        command.append("--no-retries")
    command += [f"--when-new={d}" for d in when_new]
    if logical_date is not None:
        command.append(f"--logical-date={logical_date.isoformat()}")
    command += [f"{DAGS / file if not Path(file).is_absolute() else file}:{d}" for file, d in dags]
    results: list[dict] = []
    output: list[str] = []
    with open(log or os.devnull, "w") as sink:
        child = subprocess.Popen(
            command,
            env=airflow_env(home, DAGS, **settings),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # so dbt under it can be stopped with it
        )
        timed_out = threading.Event()

        def expire() -> None:
            timed_out.set()
            _stop(child)

        watchdog = threading.Timer(timeout, expire) if timeout else None
        if watchdog:
            watchdog.start()
        assert child.stdout is not None  # stdout=PIPE
        try:
            for line in child.stdout:
                sink.write(line)
                output.append(line)
                if line.startswith(START_PREFIX) and on_start:
                    on_start(line[len(START_PREFIX) :].strip())
                elif line.startswith(RESULT_PREFIX):
                    results.append(json.loads(line[len(RESULT_PREFIX) :]))
                    if on_result:
                        on_result(results[-1])
            child.wait()
        except BaseException:
            _stop(child)
            raise
        finally:
            if watchdog:
                watchdog.cancel()
        if child.returncode != 0:
            late = f" (stopped after {timeout} s)" if timed_out.is_set() else ""
            output.append(f"DAG runner exited with code {child.returncode}{late}\n")
            sink.write(output[-1])
    return results, "".join(output)


def _stop(child: subprocess.Popen) -> None:
    if child.poll() is None:
        os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def child(argv: list[str]) -> None:
    """Run each FILE:DAG_ID with ``dag.test()``; one RESULT line of JSON per DAG."""
    retries = "--no-retries" not in argv
    when_new = {a.split("=", 1)[1] for a in argv if a.startswith("--when-new=")}
    dates = [a.split("=", 1)[1] for a in argv if a.startswith("--logical-date=")]
    logical_date = dt.datetime.fromisoformat(dates[0]) if dates else None
    specs = [a for a in argv if not a.startswith("--")]
    emitted = False
    from airflow.dag_processing.dagbag import DagBag
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    bags: dict[str, DagBag] = {}
    for spec in specs:
        path, dag_id = spec.rsplit(":", 1)
        if dag_id in when_new and not emitted:
            result: dict[str, object] = {
                "dag_id": dag_id,
                "state": "not needed",
                "run_id": None,
                "tasks": {},
            }
            result.update({"xcom": {}, "errors": {}, "events": [], "seconds": 0.0})
            print(RESULT_PREFIX + json.dumps(result), flush=True)
            continue
        if path not in bags:
            bags[path] = DagBag(dag_folder=path)
            if bags[path].import_errors:
                raise SystemExit(f"cannot import {path}: {bags[path].import_errors}")
        dag = bags[path].dags[dag_id]
        errors: dict[str, str] = {}
        for t in dag.tasks:
            if not retries:
                t.retries = 0
            # dag.test() runs tasks in this process: keep each failure's message for the report
            t.on_failure_callback = [*_callbacks(t.on_failure_callback), _recorder(errors)]
        print(START_PREFIX + dag_id, flush=True)
        started = time.perf_counter()
        run = dag.test(logical_date=logical_date) if logical_date else dag.test()
        seconds = time.perf_counter() - started
        with create_session() as session:
            events = [
                {"uri": uri, "extra": extra, "run_id": run_id}
                for uri, extra, run_id in session.query(
                    AssetModel.uri, AssetEvent.extra, AssetEvent.source_run_id
                ).join(AssetEvent, AssetEvent.asset_id == AssetModel.id)
            ]
            tis = run.get_task_instances(session=session)
            states = {ti.task_id: str(ti.state) for ti in tis}
            # Airflow annotates get_many as Select[tuple[XComModel]], SQLAlchemy 2.0's spelling
            # of rows of one XComModel; SQLAlchemy 2.1 (installed) spells it Select[XComModel]
            returned = cast(
                "Select[XComModel]",
                XComModel.get_many(run_id=run.run_id, dag_ids=dag_id, key="return_value"),
            )
            xcom = {x.task_id: XComModel.deserialize_value(x) for x in session.scalars(returned)}
        result = {
            "dag_id": dag_id,
            "state": str(run.state),
            "run_id": run.run_id,
            "tasks": states,
            "xcom": xcom,
            "errors": errors,
            "events": events,
            "seconds": round(seconds, 1),
        }
        emitted = emitted or any(e["run_id"] == run.run_id for e in events)
        print(RESULT_PREFIX + json.dumps(result, default=str), flush=True)


def _callbacks(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _recorder(errors: dict[str, str]):
    def record(context) -> None:
        errors[context["ti"].task_id] = str(context.get("exception") or "failed")

    return record


# --- neglect-warehouse run -----------------------------------------------------------------


def run_landing(
    landing: Path,
    warehouse: str,
    out: Path,
    echo: Callable[[str], None] = print,
    rebuild: bool = False,
    timeout: float | None = None,
    on_start: Callable[[str], None] | None = None,
) -> dict:
    """Every complete delivery in ``landing`` into ``warehouse`` through the DAGs, then the
    transform; reports and ``run-summary.{md,json}`` into ``out``. Returns the summary
    (``ok`` false when a DAG run failed other than by quarantining a delivery).

    The transform runs, as under the scheduler, when an ingest run emitted an asset (loaded
    something); also when the warehouse has no marts yet, or with ``rebuild``. ``on_start`` is
    called with each DAG's id as its run starts (the benchmark's clock)."""
    from neglect_warehouse.partnership.warehouse import Target

    target = Target.parse(warehouse)
    if target.kind == "duckdb":
        target = Target.parse(Path(target.location).resolve())
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    settings = {
        "NEGLECT_WAREHOUSE": target.location,
        "NEGLECT_WAREHOUSE_LANDING": str(landing.resolve()),
        "NEGLECT_WAREHOUSE_QUARANTINE": str(out / "quarantine"),
        "NEGLECT_WAREHOUSE_OUTBOX": str(out / "outbox"),
        **ONE_PASS,
    }
    started = dt.datetime.now().replace(microsecond=0)  # the clock ingest stamps events with
    clock = time.perf_counter()
    when_new = () if rebuild or not _has_marts(target) else ("transform", "board_pack")
    home = Path(tempfile.mkdtemp(prefix="neglect-warehouse-airflow-"))

    def progress(result: dict) -> None:
        for line in _progress(result):
            echo(line)

    def starting(dag_id: str) -> None:
        echo(f"{dag_id} …")
        if on_start:
            on_start(dag_id)

    try:
        echo(f"airflow: metadata database in {home} …")
        migrate(home)
        results, output = run_dags(
            home,
            list(SEQUENCE),
            settings,
            retries=False,
            when_new=when_new,
            on_start=starting,
            on_result=progress,
            log=out / "airflow.log",
            timeout=timeout,
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if len(results) < len(SEQUENCE):
        echo("the DAG runner stopped early; the end of airflow.log:")
        for line in output.splitlines()[-15:]:
            echo(f"  {line}")
    summary = _summarise(target, results, started, time.perf_counter() - clock, out)
    (out / "run-summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    (out / "run-summary.md").write_text(_markdown(summary))
    return summary


def _has_marts(target) -> bool:
    from neglect_warehouse.partnership.warehouse import Warehouse

    if target.kind == "duckdb" and not Path(target.location).exists():
        return False
    with Warehouse(target) as wh:
        return bool(wh.tables("marts"))


def _progress(result: dict) -> list[str]:
    if result["state"] == "not needed":
        return [f"  {result['dag_id']}: not needed (nothing new loaded; --rebuild forces it)"]
    lines = [f"  {result['dag_id']}: {_state(result['state'])} in {result['seconds']:.1f} s"]
    for summary in result["xcom"].get("load_new_deliveries") or []:
        lines.append(f"    {summary['summary']}")
    for event in result["events"]:
        if event["run_id"] == result["run_id"]:
            lines.append(f"    emitted {event['uri']} {json.dumps(event['extra'])}")
    failed = [t for t, s in result["tasks"].items() if _state(s) in ("failed", "upstream_failed")]
    for task_id in failed:
        error = result.get("errors", {}).get(task_id, "see airflow.log")
        lines.append(f"    {task_id} failed: " + error.replace("\n", "\n      "))
    return lines


def _state(value: str) -> str:
    return value.rsplit(".", 1)[-1].lower()


def _summarise(target, results: list[dict], started, seconds: float, out: Path) -> dict:
    from neglect_warehouse.partnership.warehouse import Warehouse

    with Warehouse(target) as wh:
        wh.ensure_schema()
        # raw.deliveries holds every delivery processed (its latest state); an arrival of one
        # already processed (DUPLICATE) is only an event. processed_at has whole seconds.
        events = wh.query(
            "select agency, extract_date, delivery_id, state, rows_loaded, rows_rejected,"
            " processed_at as seen from raw.deliveries where processed_at >= ?"
            " union all select agency, extract_date, delivery_id, state, null, null, event_at"
            " from raw.delivery_events where state = ? and event_at >= ?"
            " order by seen",
            [started, DeliveryState.DUPLICATE.value, started],
        )
        current = wh.query(
            "select agency, extract_date, delivery_id from raw.current_deliveries order by 1"
        )
        marts = {t: wh.query(f'select count(*) from marts."{t}"')[0][0] for t in wh.tables("marts")}
    deliveries = [
        {
            "agency": a,
            "extract_date": str(d),
            "delivery_id": i,
            "state": s,
            "rows_loaded": loaded,
            "rows_rejected": rejected,
        }
        for a, d, i, s, loaded, rejected, _ in events
    ]
    quarantined_agencies = {d["agency"] for d in deliveries if d["state"] == QUARANTINED}
    runs = []
    for r in results:
        state = _state(r["state"])
        failed = {t for t, s in r["tasks"].items() if _state(s) == "failed"}
        agency = r["dag_id"].removeprefix("ingest_")
        if state == "failed" and r["dag_id"].startswith("ingest_") and failed <= QUARANTINE_TASKS:
            # reported, not broken: a delivery quarantined, or one not whole (incomplete)
            state = "quarantined" if agency in quarantined_agencies else "incomplete"
        runs.append(
            {
                "dag_id": r["dag_id"],
                "state": state,
                "seconds": r["seconds"],
                "failed": sorted(failed),
                "errors": r.get("errors", {}),
            }
        )
    missing = [d for _, d in SEQUENCE if d not in {r["dag_id"] for r in runs}]
    runs += [
        {"dag_id": d, "state": "not run", "seconds": 0, "failed": [], "errors": {}} for d in missing
    ]
    reported = ("success", "quarantined", "incomplete", "not needed")
    problems = [r for r in runs if r["state"] not in reported]
    return {
        "ok": not problems,
        "warehouse": str(target),
        "started": started.isoformat(),
        "seconds": round(seconds, 1),
        "dag_runs": runs,
        "deliveries": deliveries,
        "quarantined": sum(d["state"] == QUARANTINED for d in deliveries),
        "current": {a: {"extract_date": str(d), "delivery_id": i} for a, d, i in current},
        "marts": marts,
        "fct_indicator_values": marts.get(FCT),
        "quarantine": str(out / "quarantine"),
        "log": str(out / "airflow.log"),
    }


def _markdown(s: dict) -> str:
    lines = [
        "# Run summary",
        "",
        f"Warehouse `{s['warehouse']}`, started {s['started']}, {s['seconds']} s; "
        + ("every DAG run succeeded or reported." if s["ok"] else "**a DAG run failed**."),
        "",
        "| DAG | state | seconds | failed tasks |",
        "|---|---|---:|---|",
        *(
            f"| {r['dag_id']} | {r['state']} | {r['seconds']} | {', '.join(r['failed'])} |"
            for r in s["dag_runs"]
        ),
    ]
    for r in s["dag_runs"]:
        for task_id, error in r["errors"].items():
            lines += ["", f"**{r['dag_id']}.{task_id}** failed:", "", "```", error, "```"]
    lines += ["", "## Deliveries processed by this run", ""]
    if s["deliveries"]:
        lines += ["| agency | extract | delivery | state | rows loaded | rejected |"]
        lines += ["|---|---|---|---|---:|---:|"]
        lines += [
            f"| {d['agency']} | {d['extract_date']} | {d['delivery_id']} | {d['state']} "
            f"| {d['rows_loaded'] if d['rows_loaded'] is not None else ''} "
            f"| {d['rows_rejected'] if d['rows_rejected'] is not None else ''} |"
            for d in s["deliveries"]
        ]
    else:
        lines.append("None: nothing new in the landing folder.")
    if s["quarantined"]:
        lines += ["", f"{s['quarantined']} quarantined: reports in `{s['quarantine']}`."]
    lines += ["", "## Current data", ""]
    lines += [f"- {a}: {c['extract_date']} ({c['delivery_id']})" for a, c in s["current"].items()]
    lines += ["", "## Marts (rows)", ""]
    lines += [f"- marts.{t}: {n:,}" for t, n in s["marts"].items()] or ["- none built"]
    if s["fct_indicator_values"] is None:
        lines += [f"- marts.{FCT}: not built (no such model yet)"]
    lines += ["", f"Full Airflow and dbt output: `{s['log']}`.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    child(sys.argv[1:])
