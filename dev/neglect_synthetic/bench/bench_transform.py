"""Benchmark: the dbt transform on a profile, full build and one agency's new delivery.

    python -m neglect_synthetic.bench.bench_transform --profile la
    python -m neglect_synthetic.bench.bench_transform --profile region

Generates the profile with two monthly deliveries (default defects), ingests the first
delivery of every agency and the reference files into a new DuckDB file, then times:

- ``full_build``: ``dbt build`` of the whole project (seeds, every model, every data and unit
  test) on that warehouse, as the transform DAG runs it after a first load;
- ``agency_rebuild``: each agency's next monthly delivery in turn is ingested, then only what
  it affects is rebuilt (reported for police, and the worst of the four); e.g. police:
  rebuilt (``data_change_selection("police")``: the tables downstream of police's sources and
  every data test downstream of them; views read the new data as they are, and unit tests
  test code, not data).

It then checks the acceptance of the warehouse issue on the latest period: every indicator has
a non-empty denominator, and the CSC indicators with an England comparator are within ±30%
of it. Targets (issue 5): ``la`` full build under 2 minutes on this 2-core machine; the
one-agency rebuild under half the full build.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import tempfile
from pathlib import Path

from neglect_synthetic.bench import generate
from neglect_warehouse.shared.contract import AGENCIES

REBUILT_AGENCY = "police"


def _generate(profile: str, work: Path) -> Path:
    return generate(profile, work / "out", work / "generated", "--deliveries", "2")


def _deliver(generated: Path, landing: Path, agency: str, stamp: str) -> None:
    (landing / agency).mkdir(parents=True, exist_ok=True)
    for path in sorted((generated / agency).glob(f"{agency}__*__{stamp}.*")):
        shutil.copy2(path, landing / agency / path.name)


def _stamps(generated: Path, agency: str) -> list[str]:
    return sorted(p.stem.rsplit("__", 1)[1] for p in (generated / agency).glob("*__manifest__*"))


def _slowest(nodes: list[dict], n: int = 8) -> list[str]:
    top = sorted(nodes, key=lambda node: node["seconds"], reverse=True)[:n]
    return [f"{node['unique_id'].split('.')[-1]} {node['seconds']:.1f} s" for node in top]


def acceptance(target) -> dict:
    """The issue's checks on the latest period of every indicator, area ALL."""
    from neglect_warehouse.partnership.warehouse import Warehouse

    with Warehouse(target) as wh:
        latest = wh.query(
            """
            select v.indicator_id, v.period_end, v.numerator, v.denominator, v.value,
                   v.comparator_value, d.agencies
            from marts.fct_indicator_values v
            join marts.dim_indicator d using (indicator_id)
            where v.area_code = 'ALL'
              and v.period_end = (select max(period_end) from marts.fct_indicator_values w
                                  where w.indicator_id = v.indicator_id)
            order by v.indicator_id
            """
        )
    rows = []
    for indicator, period, numerator, denominator, value, comparator, agencies in latest:
        difference = None
        if comparator is not None and value is not None and agencies == "csc":
            difference = round(100 * (value - comparator) / comparator, 1)
        rows.append(
            {
                "indicator_id": indicator,
                "period_end": str(period),
                "numerator": numerator,
                "denominator": denominator,
                "value": None if value is None else round(value, 2),
                "comparator": comparator,
                "difference_pct": difference,
            }
        )
    compared = [r for r in rows if r["difference_pct"] is not None]
    return {
        "indicators": len(rows),
        "all_denominators_non_empty": all(r["denominator"] > 0 for r in rows),
        "csc_comparators_within_30pct": all(abs(r["difference_pct"]) <= 30 for r in compared),
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="la", choices=["tiny", "small", "la", "region"])
    parser.add_argument("--generated", type=Path, help="an existing 2-delivery landing folder")
    parser.add_argument("--work", type=Path, help="keep the warehouse and dbt artefacts here")
    args = parser.parse_args()

    from neglect_warehouse.partnership.ingest.folder import ingest_landing
    from neglect_warehouse.partnership.ingest.pipeline import Options
    from neglect_warehouse.partnership.transform.dbt_build import build, data_change_selection
    from neglect_warehouse.partnership.warehouse import Target

    with tempfile.TemporaryDirectory(prefix="bench-transform-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        generated = args.generated or _generate(args.profile, work)
        landing = work / "landing"
        shutil.copytree(generated / "reference", landing / "reference")
        for agency in AGENCIES:
            _deliver(generated, landing, agency, _stamps(generated, agency)[0])
        target = Target.parse(work / "warehouse.duckdb")
        options = Options(work / "quarantine")
        ingest_landing(landing, target, options)

        # one artefacts folder for every build, as dbt_build keeps it beside the warehouse:
        # later builds parse only what changed (partial parsing)
        artifacts = work / "dbt"
        full = build(target, artifacts=artifacts)
        checks = acceptance(target)

        rebuilds = {}
        for agency in AGENCIES:  # each agency's next delivery in turn
            _deliver(generated, landing, agency, _stamps(generated, agency)[1])
            ingest_landing(landing, target, options, agencies=(agency,), reference=False)
            select, exclude = data_change_selection(agency)
            rebuilds[agency] = build(target, select, exclude=exclude, artifacts=artifacts)
        rebuild = rebuilds[REBUILT_AGENCY]

        # dbt runs in this process (dbt_build), ingest too: this process's peak
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        report = {
            "profile": args.profile,
            "full_build_s": round(full.seconds, 1),
            "full_build_nodes": full.counts,
            "agency_rebuild": REBUILT_AGENCY,
            "agency_rebuild_s": round(rebuild.seconds, 1),
            "agency_rebuild_nodes": rebuild.counts,
            "rebuild_vs_full": round(rebuild.seconds / full.seconds, 2),
            "rebuild_s_by_agency": {a: round(r.seconds, 1) for a, r in rebuilds.items()},
            "worst_rebuild_vs_full": round(
                max(r.seconds for r in rebuilds.values()) / full.seconds, 2
            ),
            "dbt_peak_mb": peak_mb,
            "slowest_nodes_full": _slowest(full.nodes),
            "slowest_nodes_rebuild": _slowest(rebuild.nodes),
            "warehouse_mb": round((work / "warehouse.duckdb").stat().st_size / 2**20),
            "acceptance": checks,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "date": dt.date.today().isoformat(),
        }
        print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
