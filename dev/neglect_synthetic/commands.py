"""The synthetic partnership's commands, ``neglect-warehouse generate`` and
``neglect-warehouse calibration``: registered with the one CLI through the entry-point group
``neglect_warehouse.commands`` (dev/pyproject.toml), so they are there wherever this
development package is installed and absent from a production install."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

import click

from neglect_warehouse.console import Progress, iso_date

DEFAULT_EXTRACT_DATE = "2026-10-31"  # the newest month of the synthetic data


@click.command()
@click.option(
    "--profile",
    default="small",
    show_default=True,
    type=click.Choice(["tiny", "small", "la", "region"]),
    help="Size: tiny (tests), small, la (about 100,000 children), region (10 × la).",
)
@click.option(
    "--seed",
    default=20261122,
    show_default=True,
    type=int,
    help="Random seed: the same seed and options give byte-identical files.",
)
@click.option(
    "--extract-date",
    default=DEFAULT_EXTRACT_DATE,
    show_default=True,
    callback=iso_date,
    help="Extract date of the newest delivery (a month end).",
)
@click.option(
    "--deliveries",
    default=1,
    show_default=True,
    type=click.IntRange(1, 120),
    help="Number of consecutive monthly deliveries, ending at --extract-date.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder for raw extracts, reference files and ground truth.",
)
@click.option(
    "--landing",
    type=click.Path(path_type=Path),
    help="Also pseudonymise every delivery into this landing folder (needs the key).",
)
@click.option(
    "--sources",
    metavar="DIR-or-URL",
    help="Also write each agency's source system as it stood on each extract date, in that "
    "system's own shape: a DuckDB file per agency in this folder, or a schema per agency in "
    "the PostgreSQL database of this URL (export-only defects are then off).",
)
@click.option(
    "--key-file",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="File holding the partnership key (else $NEGLECT_WAREHOUSE_KEY).",
)
@click.option(
    "--key-id",
    default="synthetic",
    show_default=True,
    help="Name of the key, written to each manifest.",
)
@click.option(
    "--config",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="YAML overriding settings of generator/profiles/default.yml (rates, model).",
)
@click.option(
    "--clean", is_flag=True, help="Inject no delivery defects (every `defects` rate set to 0)."
)
@click.option(
    "--clean-output",
    is_flag=True,
    help="Delete --out and --landing first, so nothing from an earlier run remains.",
)
def generate(
    profile,
    seed,
    extract_date,
    deliveries,
    out_dir,
    landing,
    sources,
    key_file,
    key_id,
    config,
    clean,
    clean_output,
):
    """Generate a synthetic partnership: raw agency extracts, reference files, ground truth.

    With --landing, each delivery is then pseudonymised into the landing folder exactly as an
    agency would deliver it (files, manifest, arrival date as the file time).
    """
    from neglect_synthetic.generator.generate import generate as run_generate
    from neglect_synthetic.generator.profile_settings import load_settings
    from neglect_warehouse.agency.pseudonymise import PseudonymiseError, read_key

    try:
        key = read_key(key_file) if landing else None
    except PseudonymiseError as exc:
        raise click.ClickException(str(exc)) from exc
    if clean_output:
        folders = [out_dir, landing]
        if sources is not None and "://" not in sources:
            folders.append(Path(sources))
        for folder in folders:
            if folder is not None and folder.exists():
                shutil.rmtree(folder)
    settings = load_settings(profile, config, clean, sources=sources is not None)
    started = time.perf_counter()
    with Progress() as progress:
        result = run_generate(settings, seed, extract_date, deliveries, out_dir, progress)
        click.echo(
            f"raw extracts: {out_dir / 'raw'} ({sum(result.rows.values()):,} rows, "
            f"{time.perf_counter() - started:.1f} s)"
        )
        if landing is not None:
            from neglect_synthetic.generator.deliver import deliver_all

            deliver_all(result, landing, key, key_id, progress)
            click.echo(
                f"landing: {landing} ({len(result.deliveries)} deliveries, "
                f"{time.perf_counter() - started:.1f} s in all)"
            )
        if sources is not None:
            from neglect_synthetic.sources.write import write_sources

            written = write_sources(
                result.raw_dir(),
                [(d.agency, d.extract_date) for d in result.deliveries],
                sources,
                progress,
            )
            for source in written:
                click.echo(
                    f"source system: {source.agency} {source.system} "
                    f"{source.extract_date.isoformat()} {source.url}"
                )
    click.echo(
        f"reference files: {out_dir / 'reference'}; ground truth: {out_dir / 'truth'} "
        "(never read by the warehouse)"
    )


@click.command()
@click.option(
    "--profile",
    default="la",
    show_default=True,
    type=click.Choice(["tiny", "small", "la", "region"]),
)
@click.option("--seed", default=20261122, show_default=True, type=int)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Measure an existing `generate --out` folder instead of generating one.",
)
def calibration(profile, seed, out_dir):
    """Compare a synthetic partnership with the England figures of calibration.md.

    Generates the profile (one delivery, 2026-10-31) in a temporary folder unless --out names
    an earlier `generate` output, and prints each measure, England's figure and the gap.
    """
    import tempfile

    from neglect_synthetic.generator.calibration import MEASURES, measure
    from neglect_synthetic.generator.generate import generate as run_generate
    from neglect_synthetic.generator.profile_settings import load_settings

    extract = dt.date.fromisoformat(DEFAULT_EXTRACT_DATE)
    with tempfile.TemporaryDirectory(prefix="calibration-") as work:
        if out_dir is None:
            out_dir = Path(work)
            with Progress() as progress:
                run_generate(load_settings(profile), seed, extract, 1, out_dir, progress)
        measured = measure(out_dir, extract)
    click.echo(f"{'measure':<52} {'here':>8} {'England':>8} {'gap':>7}  held to ±20%")
    for m in MEASURES:
        value = measured[m.name]
        gap = (value / m.england - 1) * 100
        flag = ("yes" + ("" if abs(gap) <= 20 else "  OUTSIDE")) if m.asserted else ""
        click.echo(f"{m.name:<52} {value:8.2f} {m.england:8.2f} {gap:+6.1f}%  {flag}")


@click.command()
@click.option(
    "--generated",
    required=True,
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="The `generate --out` folder (reference files and truth/deliveries.csv).",
)
@click.option(
    "--landing",
    required=True,
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="The landing folder the extracts delivered into.",
)
def arrive(generated, landing):
    """Make extracted synthetic deliveries arrive as generated: the partnership's reference
    files put in place, and each delivery stamped with its simulated arrival time (on time or
    late, truth/deliveries.csv), as `generate --landing` does for its own deliveries."""
    import csv

    from neglect_synthetic.generator.deliver import copy_reference, stamp_arrival

    copy_reference(generated, landing)
    with open(generated / "truth" / "deliveries.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            date = dt.date.fromisoformat(row["extract_date"])
            manifest = landing / row["agency"] / f"{row['agency']}__manifest__{date:%Y%m%d}.json"
            if manifest.exists():
                stamp_arrival(manifest, dt.date.fromisoformat(row["arrival_date"]))
    click.echo(f"reference files and arrival times set in {landing}")


@click.command()
@click.option(
    "--sources",
    "listing",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="The sources.tsv `generate --sources` wrote.",
)
@click.option(
    "--landing",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The partnership's landing folder the agencies deliver into.",
)
@click.option(
    "--outbox",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The agencies' outbox (deliveries before they are sent, extract reports, logs).",
)
def agencies(listing, landing, outbox):
    """Run each agency's extract DAG (dags/extract_dags.py) against the synthetic source
    systems, for every month `generate --sources` wrote, delivering into the landing folder."""
    from neglect_synthetic.sources.agencies import run_agencies
    from neglect_warehouse.agency.pseudonymise import PseudonymiseError, read_key

    try:
        key = read_key().decode()
    except PseudonymiseError as exc:
        raise click.ClickException(str(exc)) from exc
    if not run_agencies(listing, landing, outbox, key, echo=click.echo):
        raise click.ClickException(f"an extract DAG failed; its log is in {outbox}")
