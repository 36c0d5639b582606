"""Airflow in production form, end to end (docs/airflow.md): the CeleryExecutor with Redis, a
PostgreSQL metadata database, the scheduler, the dag-processor, the API server and two Celery
workers, every process started by deploy/airflow/airflow.sh with deploy/airflow/celery.env,
as the documentation says. The scheduler takes the `tiny` deliveries through the ingest DAGs;
the assets trigger the transform and the board pack. Every DAG run succeeds, both workers run
tasks, and the indicators equal those of the embedded run (`neglect-warehouse run`, DuckDB) on
the same deliveries."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from neglect_warehouse.partnership.run_dags import SEQUENCE
from neglect_warehouse.partnership.warehouse import Target
from tests.dbt.test_indicators import COLUMNS, rows
from tests.postgres import fresh_database

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "deploy" / "airflow" / "airflow.sh"
BIN = Path(sys.executable).parent
# host:port/db of the broker. Each run has its own queue, so runs sharing the db (parallel CI
# runs) never take each other's tasks.
REDIS = os.environ.get("NEGLECT_WAREHOUSE_TEST_REDIS", "127.0.0.1:6379/15")
DAG_IDS = {dag_id for _, dag_id in SEQUENCE}
WORKERS = ("worker-1", "worker-2")
AGENCIES_AND_TRANSFORM = "^(ingest_(csc|police|health|probation)|transform)$"
AGENCY_INGESTS = [f"ingest_{a}" for a in ("csc", "police", "health", "probation")]
# A dag_run r that is an ingest run waiting, deferred, for its next delivery.
WAITING = (
    "(r.state = 'running' and exists (select 1 from task_instance t where t.run_id = r.run_id"
    " and t.dag_id = r.dag_id and t.task_id = 'wait_for_delivery' and t.state = 'deferred'))"
)
# Two task processes per worker, four in all: enough on this 2-core machine, where the pool
# `warehouse_writer` runs the heavy tasks one at a time anyway.
WORKER_CONCURRENCY = "2"
PIPELINE_TIMEOUT = 600  # seconds; the whole pipeline takes about 4 minutes here
POLL = 2.0
FCT = f"select {COLUMNS} from marts.fct_indicator_values order by 1, 2, 3"
DELIVERIES = "select agency, extract_date, delivery_id, state from raw.deliveries order by 1, 2, 3"


# --- the databases ---------------------------------------------------------------------


@pytest.fixture
def warehouse():
    """The warehouse the DAGs write, as the deployment's NEGLECT_WAREHOUSE: a fresh PostgreSQL
    database made by `neglect-warehouse db init`, written by the pipeline role."""
    with fresh_database() as url:
        yield url


@pytest.fixture
def metadata_db():
    """A fresh database for Airflow's metadata (and Celery's results), dropped afterwards."""
    with fresh_database(init=False, prefix="airflow") as url:
        yield url


class Metadata:
    """Read-only questions to Airflow's metadata database."""

    def __init__(self, url: str):
        import psycopg2

        self.con = psycopg2.connect(url)
        self.con.autocommit = True

    def query(self, sql: str, params=()) -> list[tuple]:
        try:
            with self.con.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()
        except Exception as exc:  # the tables appear with `airflow db migrate`
            if "does not exist" in str(exc):
                return []
            raise

    def close(self) -> None:
        self.con.close()


# --- the processes -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redacted(text: str) -> str:
    """The API server prints the UI password it generates; never show it."""
    return "\n".join(
        "[a line with a password, not shown]" if "password" in line.lower() else line
        for line in text.splitlines()
    )


class Stack:
    """The deployment's processes, each in its own process group, each writing a log file."""

    def __init__(self, env: dict[str, str], logs: Path):
        self.env = env
        self.logs = logs
        self.processes: dict[str, subprocess.Popen] = {}
        logs.mkdir(parents=True, exist_ok=True)

    def airflow(self, *args: str, timeout: float = 180) -> str:
        """One command through the launcher, to its end."""
        done = subprocess.run(
            [str(LAUNCHER), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"airflow {' '.join(args)}:\n{redacted(output[-4000:])}"
        return output

    def start(self, name: str, command: list[str], **extra: str) -> None:
        with open(self.logs / f"{name}.log", "w") as log:
            self.processes[name] = subprocess.Popen(
                command,
                env={**self.env, **extra},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def service(self, name: str, *args: str, **extra: str) -> None:
        self.start(name, [str(LAUNCHER), *args], **extra)

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def check_running(self, *names: str) -> None:
        for name in names or self.processes:
            code = self.processes[name].poll()
            assert code is None, f"{name} exited with code {code}"

    def tails(self, lines: int = 40) -> str:
        return "\n".join(
            f"--- {name} ({self.logs / f'{name}.log'}), last {lines} lines ---\n"
            + redacted("\n".join(self.log(name).splitlines()[-lines:]))
            for name in self.processes
        )

    def stop(self) -> None:
        """SIGTERM to every process group and every descendant (a task's dbt included), then
        SIGKILL to whatever is left after 20 s."""
        family: list[psutil.Process] = []
        for process in self.processes.values():
            with contextlib.suppress(psutil.NoSuchProcess):
                root = psutil.Process(process.pid)
                family += [root, *root.children(recursive=True)]
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for process in self.processes.values():
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, sig)
            for member in family:
                with contextlib.suppress(psutil.NoSuchProcess):
                    member.send_signal(sig)
            _, family = psutil.wait_procs(family, timeout=20)
        for process in self.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)


def wait_until(what: str, check: Callable[[], object], stack: Stack, timeout: float):
    """Poll ``check`` until it returns something true; the services must stay up meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        stack.check_running(*(n for n in stack.processes if n != "embedded"))
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f} s waiting for {what}"
        time.sleep(POLL)


def task_failure(meta: Metadata, home: Path) -> str | None:
    """The first failed task (or one waiting to retry) with its error, or None."""
    bad = meta.query(
        "select dag_id, run_id, task_id, try_number, state, hostname from task_instance"
        " where state in ('failed', 'up_for_retry', 'upstream_failed') order by dag_id"
    )
    if not bad:
        return None
    dag_id, run_id, task_id, attempt, state, hostname = bad[0]
    log = (
        home / "logs" / f"dag_id={dag_id}" / f"run_id={run_id}" / f"task_id={task_id}"
        / f"attempt={max(attempt, 1)}.log"
    )  # fmt: skip
    errors = []
    for line in log.read_text().splitlines() if log.exists() else []:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("level") in ("error", "critical"):
            errors.append(record.get("event", ""))
            errors += [e.get("exc_value", "") for e in record.get("error_detail") or []]
    return f"{dag_id}.{task_id} {state} on {hostname} ({log}):\n" + redacted("\n".join(errors))


# --- the test ------------------------------------------------------------------------------


@pytest.mark.production
def test_celery_deployment_runs_the_pipeline_on_two_workers_as_the_embedded_run_does(
    tiny_clean, warehouse, metadata_db, tmp_path
):
    from cryptography.fernet import Fernet

    data = tmp_path / "data"
    shutil.copytree(tiny_clean / "landing", data / "landing")  # keeps the files' times
    shutil.copytree(tiny_clean / "landing", tmp_path / "embedded" / "landing")
    home = tmp_path / "airflow-home"
    api_port = free_port()
    queue = f"nw_test_{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "DEPLOY_"))}
    env.update(
        {
            "AIRFLOW_BIN": str(BIN / "airflow"),
            "DEPLOY_AIRFLOW_HOME": str(home),
            "DEPLOY_AIRFLOW_DB": metadata_db.removeprefix("postgresql://"),
            "DEPLOY_REDIS": REDIS,
            "DEPLOY_QUEUE": queue,
            "DEPLOY_API_HOST": "127.0.0.1",
            "DEPLOY_API_PORT": str(api_port),
            "DEPLOY_API_URL": f"http://127.0.0.1:{api_port}",
            "DEPLOY_JWT_SECRET": secrets.token_urlsafe(32),
            "DEPLOY_API_SECRET_KEY": secrets.token_urlsafe(32),
            "DEPLOY_FERNET_KEY": Fernet.generate_key().decode(),
            "DEPLOY_WORKER_CONCURRENCY": WORKER_CONCURRENCY,
            "DEPLOY_WAREHOUSE": warehouse,
            "DEPLOY_DATA": str(data),
        }
    )
    stack = Stack(env, tmp_path / "logs")
    meta = Metadata(metadata_db)
    started = time.monotonic()
    try:
        # The embedded run on a copy of the same deliveries, beside the deployment.
        stack.start(
            "embedded",
            [
                str(BIN / "neglect-warehouse"),
                "run",
                "--landing",
                str(tmp_path / "embedded" / "landing"),
                "--warehouse",
                str(tmp_path / "embedded" / "warehouse.duckdb"),
                "--out",
                str(tmp_path / "embedded" / "out"),
            ],
        )
        # The deployment, as docs/airflow.md starts it.
        stack.airflow("db", "migrate")
        stack.service("scheduler", "scheduler")
        stack.service("dag-processor", "dag-processor")
        stack.service("triggerer", "triggerer")  # the ingest DAGs' arrival sensors wait there
        stack.service("api-server", "api-server")
        for name in WORKERS:
            stack.service(
                name,
                "celery",
                "worker",
                "--celery-hostname",
                f"{name}-{queue}@%h",
                DEPLOY_WORKER_NAME=name,
                DEPLOY_WORKER_LOG_PORT=str(free_port()),
            )
        stack.airflow("pools", "set", "warehouse_writer", "1", "one writer to the warehouse")

        def parsed():
            errors = meta.query("select filename, stacktrace from import_error")
            assert not errors, errors
            found = meta.query("select dag_id from dag where not is_stale")
            return {d for (d,) in found} >= DAG_IDS

        wait_until("the DAGs to be parsed", parsed, stack, 180)
        # First start, as docs/airflow.md says: the partnership's reference files first. Once
        # unpaused, an ingest DAG runs at once for its latest schedule tick.
        stack.airflow("dags", "unpause", "-y", "ingest_reference")
        wait_until("the API server", lambda: api_healthy(api_port), stack, 120)
        for name in WORKERS:
            wait_until(f"{name}", lambda n=name: f"{n}-{queue}@" in stack.log(n), stack, 120)
            wait_until(f"{name} ready", lambda n=name: " ready." in stack.log(n), stack, 120)
        ready = time.monotonic()

        def state(sql: str):
            assert not (failure := task_failure(meta, home)), failure
            return meta.query(sql)

        reference_loaded = (
            "select 1 from dag_run where dag_id = 'ingest_reference' and state = 'success'"
        )
        building = (
            "select 1 from task_instance where dag_id = 'transform' and task_id = 'build_models'"
            " and state in ('running', 'success')"
        )
        wait_until("the reference files", lambda: state(reference_loaded), stack, 300)
        # Then the agencies' deliveries; their assets trigger the transform.
        stack.airflow("dags", "unpause", "-y", "--treat-dag-id-as-regex", AGENCIES_AND_TRANSFORM)
        wait_until("the first dbt build", lambda: state(building), stack, 300)
        # board_pack is unpaused once the warehouse is being built: its first run (its latest
        # schedule tick, the 10th of the month) then waits in the pool for the build, and the
        # build's `marts` asset triggers it too.
        stack.airflow("dags", "unpause", "-y", "board_pack")

        settled_polls = []

        def settled():
            assert not (failure := task_failure(meta, home)), failure
            # an ingest DAG runs continuously: once its deliveries are in, its next run waits
            # (deferred) for the next delivery, and that is settled
            ((active, queued_assets, packs),) = meta.query(
                f"select (select count(*) from dag_run r where state in ('queued', 'running')"
                f"  and not {WAITING}),"
                " (select count(*) from asset_dag_run_queue),"
                " (select count(*) from dag_run where dag_id = 'board_pack'"
                "  and state = 'success')"
            )
            settled_polls.append(active == 0 and queued_assets == 0 and packs > 0)
            return settled_polls[-2:] == [True, True]

        wait_until("every DAG run to finish", settled, stack, PIPELINE_TIMEOUT)
        finished = time.monotonic()
        wait_until("the embedded run", lambda: stack.processes["embedded"].poll() is not None,
                   stack, 300)  # fmt: skip
        assert stack.processes["embedded"].returncode == 0, stack.tails()

        # Every DAG ran, from the scheduler, and every run succeeded.
        runs = meta.query(f"select dag_id, run_type, state from dag_run r where not {WAITING}")
        assert {d for d, _, _ in runs} == DAG_IDS
        assert {s for _, _, s in runs} == {"success"}, runs
        waiting = meta.query(f"select dag_id from dag_run r where {WAITING}")
        assert sorted(d for (d,) in waiting) == sorted(AGENCY_INGESTS), waiting
        assert {t for d, t, _ in runs if d == "transform"} == {"asset_triggered"}
        assert "asset_triggered" in {t for d, t, _ in runs if d == "board_pack"}
        tasks = meta.query("select state, hostname, queue from task_instance")
        assert {s for s, _, _ in tasks} <= {"success", "skipped", "deferred", None}, tasks
        ran = [(h, q) for s, h, q in tasks if s in ("success", "deferred")]
        assert {q for _, q in ran} == {queue}
        # ... on both workers.
        assert {h for h, _ in ran} == set(WORKERS)

        # The same deliveries loaded, the same indicators, the same pack, as the embedded run.
        embedded = Target.parse(tmp_path / "embedded" / "warehouse.duckdb")
        summary = json.loads((tmp_path / "embedded" / "out" / "run-summary.json").read_text())
        assert summary["ok"], summary["dag_runs"]
        loaded = rows(Target.parse(warehouse), DELIVERIES)
        assert len(loaded) == 9 and {d[-1] for d in loaded} == {"LOADED"}
        assert loaded == rows(embedded, DELIVERIES)
        celery_values, embedded_values = rows(Target.parse(warehouse), FCT), rows(embedded, FCT)
        assert len(celery_values) > 1000
        assert celery_values == embedded_values
        # The board gets the same pack: published once, from the complete warehouse.
        out = tmp_path / "embedded" / "out" / "outbox"
        packs = sorted(p.relative_to(data / "outbox") for p in (data / "outbox").glob("20*/*"))
        assert packs == sorted(p.relative_to(out) for p in out.glob("20*/*"))
        (values,) = [p for p in packs if p.name.endswith("-values.csv")]
        assert (data / "outbox" / values).read_text() == (out / values).read_text()
        print(f"\ncelery deployment started in {ready - started:.0f} s; pipeline:")
        print(timeline(meta))
        total = time.monotonic() - started
        print(f"pipeline {finished - ready:.0f} s; with the checks {total:.0f} s in all")
    except BaseException:
        print(stack.tails())
        raise
    finally:
        meta.close()
        stack.stop()
        forget_queue(REDIS, queue)


def timeline(meta: Metadata) -> str:
    """Each DAG run: when it started and how long it took, from the first start."""
    runs = meta.query(
        "select dag_id, run_type, state, start_date, end_date from dag_run order by start_date"
    )
    zero = runs[0][3]
    return "\n".join(
        f"  {dag_id:<17} {run_type:<16} {state:<8} +{(start - zero).total_seconds():5.0f} s"
        + (f"  {(end - start).total_seconds():4.0f} s" if end else "  (waiting for a delivery)")
        for dag_id, run_type, state, start, end in runs
    )


def api_healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/v2/monitor/health", timeout=5
        ) as response:
            health = json.load(response)
    except OSError:
        return False
    return health.get("metadatabase", {}).get("status") == "healthy"


def forget_queue(redis: str, queue: str) -> None:
    """Remove this run's queue, its bindings and its unacknowledged messages (a task that was
    running when the workers were stopped) from Redis; nothing else: the db may be shared."""
    import redis as redis_client

    host_port, db = redis.rsplit("/", 1)
    host, port = host_port.rsplit(":", 1)
    client = redis_client.Redis(host=host, port=int(port), db=int(db))
    try:
        keys = list(client.scan_iter(match=f"*{queue}*"))
        if keys:
            client.delete(*keys)
        for tag, message in client.hscan_iter("unacked"):
            if queue.encode() in message:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
    finally:
        client.close()
