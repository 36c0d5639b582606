"""Benchmark and acceptance: disclosure control attacked on whole generated partnerships.

    python -m neglect_synthetic.bench.bench_disclosure --profile la --seeds 20261122 7 1234

For each seed: generate the profile (one delivery, default defects), ingest it into a new
DuckDB file, build the models (no tests), then apply disclosure control to **every month** of
``fct_indicator_values`` (as the monthly packs would, 24 months at a time) and attack every
published table with ``pack/attack.py`` through ``disclosure.check`` (integer programs over
every public relation; docs/disclosure.md). Prints per seed the tables, the suppressed cells
(primary and secondary), the problems found (expected: none) and the time ``apply`` and the
attack took. Exits 1 when the attack finds anything.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def built_values(profile: str, seed: int, work: Path):
    """Every month of ``fct_indicator_values`` (with dim_indicator's measure and comparator
    link, as the pack reads them) of a partnership generated, ingested and built (models only,
    no tests) in ``work``."""
    from neglect_synthetic.bench import generate
    from neglect_warehouse.partnership.ingest.folder import ingest_landing
    from neglect_warehouse.partnership.ingest.pipeline import Options
    from neglect_warehouse.partnership.pack.content import query_frame
    from neglect_warehouse.partnership.transform.dbt_build import build
    from neglect_warehouse.partnership.warehouse import Target, Warehouse

    generate(profile, work / "out", work / "landing", "--seed", str(seed))
    target = Target.parse(work / "warehouse.duckdb")
    ingest_landing(work / "landing", target, Options(work / "quarantine"))
    build(target, exclude="resource_type:test resource_type:unit_test")
    with Warehouse(target) as wh:
        return query_frame(
            wh,
            "select v.*, d.measure, d.comparator_indicator_id "
            "from marts.fct_indicator_values as v "
            "inner join marts.dim_indicator as d using (indicator_id)",
        )


def attack_partnership(profile: str, seed: int, work: Path) -> dict:
    from neglect_warehouse.partnership.pack.disclosure import COUNT_COLUMNS, apply, check, is_small

    values = built_values(profile, seed, work)
    started = time.perf_counter()
    applied = apply(values)
    applied_in = time.perf_counter() - started
    started = time.perf_counter()
    problems = check(applied)
    checked_in = time.perf_counter() - started
    hidden = sum(int((applied[f"{c}_shown"] == "c").sum()) for c in COUNT_COLUMNS)
    primary = sum(int(applied[c].map(is_small).sum()) for c in COUNT_COLUMNS)
    return {
        "seed": seed,
        "tables": int(applied.groupby(["indicator_id", "period_end"]).ngroups),
        "rows": len(applied),
        "primary": primary,
        "secondary": hidden - primary,
        "problems": problems,
        "apply_s": applied_in,
        "attack_s": checked_in,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", default="la")
    parser.add_argument("--seeds", type=int, nargs="+", default=[20261122, 7, 1234])
    args = parser.parse_args(argv)
    print(
        "| profile | seed | tables | rows | primary c | secondary c | problems | apply | attack |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    failed = False
    for seed in args.seeds:
        with tempfile.TemporaryDirectory(prefix="bench-disclosure-") as scratch:
            r = attack_partnership(args.profile, seed, Path(scratch))
        failed = failed or bool(r["problems"])
        print(
            f"| {args.profile} | {r['seed']} | {r['tables']:,} | {r['rows']:,} | "
            f"{r['primary']:,} | {r['secondary']:,} | {len(r['problems'])} | "
            f"{r['apply_s']:.1f} s | {r['attack_s']:.1f} s |",
            flush=True,
        )
        for problem in r["problems"][:20]:
            print(f"  - {problem}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
