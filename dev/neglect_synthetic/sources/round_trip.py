"""The round trip of issue 15: the landing made by ``generate --landing`` must equal, file
for file and byte for byte, the landing made by ``generate --sources`` followed by
``neglect-warehouse extract`` for every agency (tests/sources/test_round_trip.py and
``make bench-extract``)."""

from __future__ import annotations

import json
from pathlib import Path

from neglect_synthetic.sources.write import Source
from neglect_warehouse.agency import mapping as mappings
from neglect_warehouse.agency.extract import ExtractReport, extract

DEMO_KEY = b"synthetic-data-demo-key-not-a-secret"  # the Makefile's demo key: synthetic data only


def extract_all(
    sources: list[Source], landing: Path, key: bytes, key_id: str, **options
) -> list[ExtractReport]:
    return [
        extract(
            s.url,
            mappings.load(s.agency, s.system),
            s.extract_date,
            landing,
            key,
            key_id,
            **options,
        )
        for s in sources
    ]


def differences(expected: Path, actual: Path, agencies: list[str]) -> list[str]:
    """Where two landings differ (agency folders only; the reference files are the
    partnership's own, not extracted)."""
    found = []
    for agency in agencies:
        a = {p.name: p for p in (Path(expected) / agency).glob("*") if not p.name.startswith(".")}
        b = {p.name: p for p in (Path(actual) / agency).glob("*") if not p.name.startswith(".")}
        for name in sorted(set(a) ^ set(b)):
            found.append(f"{agency}/{name}: only in {'expected' if name in a else 'actual'}")
        for name in sorted(set(a) & set(b)):
            if name.endswith(".json"):
                if json.loads(a[name].read_text()) != json.loads(b[name].read_text()):
                    found.append(f"{agency}/{name}: manifests differ")
                continue
            left = a[name].read_text(encoding="utf-8").splitlines()
            right = b[name].read_text(encoding="utf-8").splitlines()
            if left != right:
                first = next(
                    (i for i, (x, y) in enumerate(zip(left, right, strict=False)) if x != y),
                    min(len(left), len(right)),
                )
                found.append(
                    f"{agency}/{name}: {len(left)} vs {len(right)} lines; first difference at "
                    f"line {first + 1}: {left[first] if first < len(left) else '(end)'!r} vs "
                    f"{right[first] if first < len(right) else '(end)'!r}"
                )
    return found


def main(argv: list[str] | None = None) -> int:
    """Check one agency's round trip on an existing ``generate --out … --landing …`` run
    (made with the export-only defects off, as ``--sources`` makes it):

    python -m neglect_synthetic.sources.round_trip --generated DIR --landing DIR \\
        --agency probation --work DIR [--target postgresql+psycopg2://…]
    """
    import argparse
    import datetime as dt
    import shutil
    import time

    from neglect_synthetic.sources.write import write_sources
    from neglect_warehouse.agency.extract import ExtractError

    parser = argparse.ArgumentParser()
    parser.add_argument("--generated", type=Path, required=True)
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--agency", required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--target", help="a PostgreSQL URL (default: DuckDB files in --work)")
    parser.add_argument("--extract-date", default="2026-10-31")
    args = parser.parse_args(argv)
    date = dt.date.fromisoformat(args.extract_date)
    shutil.rmtree(args.work, ignore_errors=True)
    target = args.target or str(args.work / "sources")
    started = time.perf_counter()
    sources = write_sources(args.generated / "raw", [(args.agency, date)], target)
    print(f"source written in {time.perf_counter() - started:.1f} s: {sources[0].url}")
    started = time.perf_counter()
    try:
        reports = extract_all(sources, args.work / "landing", DEMO_KEY, "synthetic")
    except ExtractError as exc:
        print(exc.report.summary())
        return 1
    print(f"extracted in {time.perf_counter() - started:.1f} s: {reports[0].rows}")
    found = differences(args.landing, args.work / "landing", [args.agency])
    print("\n".join(found) or "IDENTICAL")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
