"""``neglect-warehouse``: the one entry point for everything a user of the warehouse does.

Heavy libraries are imported inside the commands, so ``--help`` answers at once."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from neglect_warehouse.console import Progress, iso_date
from neglect_warehouse.partnership.access import GROUPS  # names only: nothing heavy is imported
from neglect_warehouse.shared.contract import AGENCIES, DeliveryState

BUSY_EXIT = 75  # EX_TEMPFAIL: try again later


class _Main(click.Group):
    """Every command: a warehouse held by another run is one line and exit 75, not a
    traceback."""

    def invoke(self, ctx):
        from neglect_warehouse.partnership.warehouse import WarehouseBusy

        try:
            return super().invoke(ctx)
        except WarehouseBusy as exc:
            click.echo(f"neglect-warehouse: {exc}", err=True)
            ctx.exit(BUSY_EXIT)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="neglect-warehouse")
def main() -> None:
    """Partnership neglect indicator warehouse.

    Agencies' pseudonymised monthly extracts in; linked children, neglect indicators, data
    quality reports and the board's indicator pack out. See README.md.
    """


@main.group()
def contract():
    """The data contract and what is derived from it."""


@contract.command("sync")
def contract_sync():
    """Regenerate what derives from the contract: GX suites (expectations/); in dbt_project/,
    the sources, base and staging models with their tests, the models generated per contract
    entity, the contract seeds (agencies, columns, states, rules) and the bank-holiday and
    Poisson seeds. Then checks every source mapping against the contract (as `sources` does):
    a mapping that misses a contract column or names a code the contract does not know fails."""
    from neglect_warehouse.partnership import expectations
    from neglect_warehouse.partnership.transform import dbt_sources

    for path in [*expectations.write_all(), *dbt_sources.write_all()]:
        click.echo(f"wrote {path}")
    click.get_current_context().invoke(sources)


@main.group()
def db():
    """The shared PostgreSQL warehouse: roles, schemas and who may read what
    (docs/deployment.md)."""


ADMIN_URL = click.argument("admin_url", metavar="ADMIN_URL")


@db.command("init")
@ADMIN_URL
@click.option(
    "--pipeline-password-env",
    metavar="VAR",
    help="Set the pipeline role's password from this environment variable.",
)
def db_init(admin_url, pipeline_password_env):
    """Create or repair the warehouse database ADMIN_URL names (a superuser's
    postgresql://…/<database> URL): roles, schemas, grants. Safe to run again."""
    import os

    from neglect_warehouse.partnership import access

    password = None
    if pipeline_password_env:
        password = os.environ.get(pipeline_password_env)
        if not password:
            raise click.UsageError(f"${pipeline_password_env} is not set")
    for line in access.init(admin_url, password):
        click.echo(line)


@db.command("user")
@ADMIN_URL
@click.argument("name")
@click.option(
    "--group",
    required=True,
    type=click.Choice(list(GROUPS)),
    help="What the person may read.",
)
@click.option("--password-env", metavar="VAR", help="Set the password from this variable.")
def db_user(admin_url, name, group, password_env):
    """Create (or update) NAME, a person's login role in one group."""
    import os

    from neglect_warehouse.partnership import access

    password = os.environ.get(password_env) if password_env else None
    if password_env and not password:
        raise click.UsageError(f"${password_env} is not set")
    try:
        access.add_user(admin_url, name, group, password)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"{name}: login role in group {group}")


@db.command("check")
@ADMIN_URL
def db_check(admin_url):
    """Show what every login role can do in each layer, found by trying it (nothing is
    changed), and any login role that is a superuser, bypasses row security or owns objects."""
    import psycopg2

    from neglect_warehouse.partnership import access

    con = psycopg2.connect(admin_url)
    try:
        with con.cursor() as cur:
            matrix = access.observe(cur, access.logins(cur))
        con.rollback()
    finally:
        con.close()
    findings = matrix.pop("findings")["login roles"]
    columns = [*access.LAYERS, "create", "new tables", "database"]
    rows = [[login, *(matrix[login][c] for c in columns)] for login in matrix]
    _echo_table(["login", *columns], rows)
    click.echo(f"findings: {findings}")
    if findings != "ok":
        sys.exit(1)


WAREHOUSE_HELP = (
    "DuckDB file or postgresql:// URL (else $NEGLECT_WAREHOUSE, else data/warehouse.duckdb)."
)
AGENCY_CHOICE = click.Choice(AGENCIES)


@main.command()
@click.option(
    "--landing",
    required=True,
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="Landing folder with <agency>/ subfolders of deliveries.",
)
@click.option("--warehouse", help=WAREHOUSE_HELP)
@click.option(
    "--quarantine",
    type=click.Path(path_type=Path),
    default=None,
    help="Where reports and quarantined files go (default: <landing>/../quarantine).",
)
@click.option(
    "--agency",
    "agencies",
    multiple=True,
    type=AGENCY_CHOICE,
    help="Only these agencies (repeatable; default all).",
)
@click.option(
    "--reject-threshold",
    default=0.05,
    show_default=True,
    type=float,
    help="Quarantine a delivery when more than this share of a file's rows is rejected.",
)
@click.option(
    "--wait",
    type=float,
    default=None,
    metavar="SECONDS",
    help="Wait this long for a warehouse another run holds (default: do not wait; exit 75).",
)
def ingest(landing, warehouse, quarantine, agencies, reject_threshold, wait):
    """Check, validate and load every new delivery in the landing folder.

    Each delivery ends in one state: LOADED, LOADED_WITH_WARNINGS, QUARANTINED (nothing
    loaded; reasons in the quarantine report), DUPLICATE (already loaded) or INCOMPLETE (a
    listed file has not arrived; checked again next time). Exits 1 if any delivery was
    quarantined, so schedulers notice.
    """
    import os

    from neglect_warehouse.partnership.ingest.folder import IngestFailed, ingest_landing
    from neglect_warehouse.partnership.ingest.pipeline import QUARANTINED, Options
    from neglect_warehouse.partnership.warehouse import LOCK_WAIT_ENV, Target
    from neglect_warehouse.shared.contract import AGENCIES

    if wait is not None:
        os.environ[LOCK_WAIT_ENV] = str(wait)
    target = Target.parse(warehouse)
    options = Options(quarantine or landing.resolve().parent / "quarantine", reject_threshold)
    failed = None
    try:
        outcomes = ingest_landing(landing, target, options, agencies or AGENCIES)
    except IngestFailed as exc:
        outcomes, failed = exc.outcomes, exc
    for outcome in outcomes:
        click.echo(outcome.summary())
    if not outcomes and failed is None:
        click.echo(f"nothing new in {landing}")
    click.echo(f"warehouse: {target}")
    if failed is not None:
        click.echo(f"neglect-warehouse: {failed}", err=True)
    if failed is not None or any(o.state == QUARANTINED for o in outcomes):
        sys.exit(1)


@main.command()
@click.option(
    "--landing",
    required=True,
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="Landing folder with <agency>/ subfolders of deliveries.",
)
@click.option("--warehouse", help=WAREHOUSE_HELP)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the quarantine reports, run-summary.md/.json and airflow.log.",
)
@click.option(
    "--fail-on-quarantine",
    is_flag=True,
    help="Exit 1 when a delivery was quarantined (by default it is reported and the run goes on).",
)
@click.option(
    "--rebuild",
    is_flag=True,
    help="Run the transform even when nothing new was loaded (after changing the dbt models).",
)
def run(landing, warehouse, out_dir, fail_on_quarantine, rebuild):
    """Process every complete delivery in the landing folder through the Airflow DAGs.

    Runs ingest_reference, ingest_<agency> for each agency and then transform (dbt build),
    each once with dag.test() (the DAG code a scheduler runs) against a throw-away Airflow home;
    the transform runs when something was loaded (as asset scheduling would), when the
    warehouse has no marts yet, or with --rebuild. A quarantined delivery is reported
    (<out>/quarantine) and the run goes on; exits 1 if any DAG run failed otherwise.
    Idempotent: a rerun loads nothing twice.
    """
    from neglect_warehouse.partnership.run_dags import FCT, run_landing

    summary = run_landing(landing, warehouse, out_dir, echo=click.echo, rebuild=rebuild)
    click.echo(
        f"deliveries processed: {len(summary['deliveries'])}, "
        f"quarantined: {summary['quarantined']} (reports in {summary['quarantine']})"
    )
    fct = summary["fct_indicator_values"]
    click.echo(f"marts.{FCT}: " + (f"{fct:,} rows" if fct is not None else "not built"))
    click.echo(f"summary: {out_dir / 'run-summary.md'}; warehouse: {summary['warehouse']}")
    packs = sorted(p for p in (out_dir / "outbox").glob("[0-9]*") if p.is_dir())
    if packs:
        click.echo(f"board pack: {packs[-1]} (report: {next(packs[-1].glob('*.pdf'), '')})")
    if not summary["ok"]:
        failed = [
            f"{r['dag_id']} ({r['state']})"
            for r in summary["dag_runs"]
            if r["state"] not in ("success", "quarantined", "not needed")
        ]
        raise click.ClickException(
            f"DAG run failed: {', '.join(failed)}; see {out_dir / 'airflow.log'}"
        )
    if fail_on_quarantine and summary["quarantined"]:
        sys.exit(1)


@main.command()
@click.option("--warehouse", help=WAREHOUSE_HELP)
@click.option("--agency", type=AGENCY_CHOICE, help="Only this agency.")
def status(warehouse, agency):
    """List deliveries with their state, row counts and reasons; * marks current data."""
    import json

    from neglect_warehouse.partnership.warehouse import Target, Warehouse

    with Warehouse(Target.parse(warehouse)) as wh:
        wh.ensure_schema()
        rows = wh.query(
            "select d.agency, d.extract_date, d.delivery_id, d.state, d.arrived_at, d.rows_in,"
            " d.rows_loaded, d.rows_rejected, d.reasons, c.delivery_id is not null "
            "from raw.deliveries d left join raw.current_deliveries c using (delivery_id) "
            "where cast(? as varchar) is null or d.agency = ? "
            "order by d.agency, d.extract_date, d.arrived_at",
            [agency, agency],
        )
    click.echo(
        f"  {'agency':<10} {'extract':<10} {'delivery':<16} {'state':<21} "
        f"{'arrived':<19} {'rows in':>9} {'loaded':>9} {'rejected':>8}"
    )
    for r in rows:
        counts = [f"{v:,}" if v is not None else "" for v in r[5:8]]
        click.echo(
            f"{'*' if r[9] else ' '} {r[0]:<10} {str(r[1]):<10} {r[2]:<16} {r[3]:<21} "
            f"{str(r[4]):<19} {counts[0]:>9} {counts[1]:>9} {counts[2]:>8}"
        )
        if r[3] in (DeliveryState.QUARANTINED, DeliveryState.INCOMPLETE) and r[8]:
            for reason in json.loads(r[8])[:3]:
                text = reason.get("message", reason) if isinstance(reason, dict) else reason
                click.echo(f"      {text}")


def _echo_table(header: list[str], rows: list[list[str]]) -> None:
    """Columns padded to their widest cell, under a header and a rule of dashes."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    for row in [header, ["-" * w for w in widths], *rows]:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


@main.command()
@click.option(
    "--period", help="The month, YYYY-MM (default: the latest month with indicator values)."
)
@click.option("--warehouse", help=WAREHOUSE_HELP)
@click.option(
    "--outbox",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where packs are published (default $NEGLECT_WAREHOUSE_OUTBOX or data/outbox).",
)
@click.option("--no-email", is_flag=True, help="Publish without emailing the recipients.")
def pack(period, warehouse, outbox, no_email):
    """Write, audit and publish the board pack for a month.

    Writes the workbook, the report (HTML and PDF), the long CSV and the manifest into a
    staging folder, audits them (dbt tests on the marts, disclosure control on the files,
    every indicator present, nothing identifying) and only then publishes them to
    <outbox>/<YYYY-MM>/, emailing $NEGLECT_WAREHOUSE_PACK_RECIPIENTS through Airflow's SMTP
    connection when set. A failed audit publishes nothing and exits 1 with the reasons.
    """
    from neglect_warehouse.partnership import settings
    from neglect_warehouse.partnership.pack.content import PackError, latest_period
    from neglect_warehouse.partnership.pack.publish import AuditFailed, make_pack
    from neglect_warehouse.partnership.warehouse import Target

    target = Target.parse(warehouse)
    try:
        published = make_pack(
            target,
            period or latest_period(target),
            outbox or settings.outbox(),
            send=not no_email,
        )
    except (AuditFailed, PackError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(published.summary())
    for path in published.files:
        click.echo(f"  {path}")


@main.command("dq-report")
@click.option("--warehouse", help=WAREHOUSE_HELP)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the reports (default data/dq_reports).",
)
@click.option("--agency", type=AGENCY_CHOICE, help="Only this agency (default: every agency).")
@click.option(
    "--delivery",
    metavar="ID",
    help="With --agency: this delivery (default: the agency's newest, whatever its state).",
)
def dq_report_command(warehouse, out_dir, agency, delivery):
    """Write the agencies' data quality reports and print their paths.

    One self-contained HTML file per agency, for its newest delivery, or with --agency (and
    --delivery) for one delivery, named dq_report_<agency>_<extract date>_<delivery id>.html:
    the delivery's state, completeness, validity, repeated ids, consistency rules, timeliness
    and linkage, with the trend across the agency's deliveries (docs/dq-report.md). Reads the
    data quality marts: build them first (neglect-warehouse run, or dbt build).
    """
    from neglect_warehouse.partnership.pack.dq_report import (
        DEFAULT_OUT_DIR,
        render_agency_report,
        render_all,
    )
    from neglect_warehouse.partnership.warehouse import Target

    if delivery and not agency:
        raise click.UsageError("--delivery needs --agency")
    target = Target.parse(warehouse)
    out_dir = out_dir or DEFAULT_OUT_DIR
    if agency:
        try:
            paths = [render_agency_report(target, agency, delivery, out_dir)]
        except LookupError as exc:
            raise click.ClickException(str(exc)) from exc
    else:
        paths = render_all(target, out_dir)
    for path in paths:
        click.echo(path)


@main.command("analyst-copy")
@click.option("--warehouse", help=WAREHOUSE_HELP)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write it (else $NEGLECT_WAREHOUSE_ANALYST_COPY, else analyst.duckdb beside "
    "the warehouse).",
)
def analyst_copy_command(warehouse, out):
    """Write the analysts' marts-only, read-only DuckDB copy of the embedded warehouse (the
    transform does this after every build)."""
    from neglect_warehouse.partnership import analyst_copy
    from neglect_warehouse.partnership.warehouse import Target

    target = Target.parse(warehouse)
    if target.kind != "duckdb":
        raise click.UsageError("analysts read a PostgreSQL warehouse directly (role analyst)")
    path, tables = analyst_copy.write(target.location, out)
    click.echo(f"{path}: {tables} marts tables, read-only")


@main.command()
@click.option("--warehouse", help=WAREHOUSE_HELP)
@click.option(
    "--file",
    "sql_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the query from this file.",
)
@click.argument("sql", required=False)
def query(warehouse, sql_file, sql):
    """Run a read-only SQL query on the warehouse and print the result as a table.

    Analysts read the marts schema (marts.fct_indicator_values, marts.dim_indicator, the
    marts.fct_dq_* data quality tables): on the embedded default, point --warehouse at the
    analysts' copy (data/analyst.duckdb); see docs/analyst-guide.md. A DuckDB file is opened
    read-only with access to files and other databases disabled.
    """
    from neglect_warehouse.partnership.warehouse import Target

    text = sql_file.read_text() if sql_file else sql
    if not text or not text.strip():
        raise click.UsageError("give the query as an argument or with --file")
    target = Target.parse(warehouse)
    try:
        if target.kind == "duckdb":
            import duckdb

            from neglect_warehouse.partnership.analyst_copy import connect

            errors = (duckdb.Error, FileNotFoundError)
            con = connect(target.location)  # read-only, no access to files or other databases
            cursor = con.execute(text)
        else:
            import psycopg2

            errors = (psycopg2.Error,)
            con = psycopg2.connect(target.location)
            con.set_session(readonly=True)
            cursor = con.cursor()
            cursor.execute(text)
    except errors as exc:  # the query's own mistake (or a refusal): no traceback
        raise click.ClickException(str(exc).strip()) from exc
    names = [d[0] for d in cursor.description]
    rows = [[_cell(v) for v in row] for row in cursor.fetchall()]
    con.close()
    _echo_table(names, rows)
    click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


@main.command()
@click.option("--agency", required=True, type=AGENCY_CHOICE)
@click.option("--extract-date", required=True, callback=iso_date, help="The extract's date.")
@click.option(
    "--raw",
    "raw_dir",
    required=True,
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="Folder holding <agency>/<agency>__<entity>__<YYYYMMDD>.csv raw files.",
)
@click.option(
    "--landing",
    required=True,
    type=click.Path(path_type=Path),
    help="Landing folder; output goes to <landing>/<agency>/.",
)
@click.option(
    "--key-file",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="File holding the partnership key (else $NEGLECT_WAREHOUSE_KEY).",
)
@click.option("--key-id", required=True, help="Name of the key, written to the manifest.")
def pseudonymise(agency, extract_date, raw_dir, landing, key_file, key_id):
    """Pseudonymise one agency's raw extract for delivery (spec/extracts.md §3).

    Writes exactly the contract's columns: tokens from NHS number, name and date of birth and
    UPRN (keyed HMAC-SHA256), birth month instead of date of birth; names, addresses and free
    text are dropped. The key is never written anywhere.
    """
    from neglect_warehouse.agency.pseudonymise import (
        PseudonymiseError,
        pseudonymise_delivery,
        read_key,
    )

    try:
        manifest = pseudonymise_delivery(
            raw_dir, agency, extract_date, landing, read_key(key_file), key_id
        )
    except PseudonymiseError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"delivered: {manifest}")


@main.command()
@click.option("--agency", type=AGENCY_CHOICE, required=True, help="The agency extracting.")
@click.option(
    "--source",
    required=True,
    metavar="URL",
    help="The agency's system as a SQLAlchemy URL (mssql+pymssql://…, postgresql://…, "
    "duckdb:///file.duckdb); $NAME reads the URL from that environment variable.",
)
@click.option(
    "--system",
    help="The source system's mapping shipped with the project (see `sources`).",
)
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="A mapping file of your own instead of --system (docs/extract.md).",
)
@click.option("--extract-date", required=True, callback=iso_date, help="Extract date (YYYY-MM-DD).")
@click.option(
    "--landing",
    required=True,
    type=click.Path(path_type=Path),
    help="Landing folder; the delivery goes to <landing>/<agency>/.",
)
@click.option(
    "--key-file",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="File holding the partnership key (else $NEGLECT_WAREHOUSE_KEY).",
)
@click.option("--key-id", required=True, help="Name of the key, written to the manifest.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the extract's report (JSON); default "
    "extract-reports/<agency>__<system>__<YYYYMMDD>.json.",
)
def extract(
    agency, source, system, mapping_file, extract_date, landing, key_file, key_id, report_path
):
    """Extract one agency's delivery from its own system (docs/extract.md).

    Reads the source through the mapping, streams it in bounded batches, pseudonymises at
    source and writes the delivery with its manifest. A missing table or column, a code with
    no translation, a null where the contract requires a value or a value of the wrong type
    is named in the report, and nothing is delivered.
    """
    import os

    from neglect_warehouse.agency import mapping as mappings
    from neglect_warehouse.agency.extract import ExtractError, extract, write_report
    from neglect_warehouse.agency.pseudonymise import PseudonymiseError, read_key

    if (system is None) == (mapping_file is None):
        raise click.UsageError("give one of --system and --mapping")
    if source.startswith("$"):
        url = os.environ.get(source[1:])
        if not url:
            raise click.ClickException(f"the environment variable {source[1:]} is not set")
        source = url
    try:
        m = mappings.load(agency, system) if system else mappings.load_file(mapping_file)
        if m.agency != agency:
            raise click.ClickException(f"{m.path} is a mapping for {m.agency}, not {agency}")
        key = read_key(key_file)
    except (mappings.MappingError, PseudonymiseError) as exc:
        raise click.ClickException(str(exc)) from exc
    if report_path is None:
        report_path = Path("extract-reports") / f"{agency}__{m.system}__{extract_date:%Y%m%d}.json"
    with Progress() as progress:
        try:
            report = extract(source, m, extract_date, landing, key, key_id, progress=progress)
        except ExtractError as exc:
            write_report(exc.report, report_path)
            raise click.ClickException(f"{exc.report.summary()}\nreport: {report_path}") from exc
    write_report(report, report_path)
    total = sum(report.rows.values())
    click.echo(
        f"delivered: {report.manifest} ({total:,} rows, {report.seconds:.1f} s); "
        f"report: {report_path}"
    )


@main.command()
def sources():
    """List the source systems each agency can extract from, and check their mappings."""
    from neglect_warehouse.agency import mapping as mappings

    failed = False
    for agency, system in mappings.available():
        m = mappings.load(agency, system)
        found = mappings.problems(m)
        failed = failed or bool(found)
        state = "ok" if not found else f"{len(found)} problems"
        click.echo(f"{agency:<10} {system:<16} {state:<12} {m.title} ({m.documentation})")
        for p in found:
            click.echo(f"    - {p}")
    if failed:
        raise click.ClickException("a mapping does not fit the contract")


def _add_installed_commands() -> None:
    """Commands of other installed distributions (entry points in the group
    ``neglect_warehouse.commands``): the synthetic partnership's ``generate`` and
    ``calibration`` (dev/neglect_synthetic) join this CLI when it is installed for development,
    and production code never imports it."""
    from importlib.metadata import entry_points

    for entry in entry_points(group="neglect_warehouse.commands"):
        main.add_command(entry.load(), entry.name)


_add_installed_commands()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
