"""Linkage quality against the generator's ground truth: pairwise precision and recall of
the child key (intermediate.int_children_linked) over every pair of person records, and over
cross-agency pairs only.

    python -m neglect_synthetic.bench.bench_linkage --warehouse data/warehouse.duckdb \
        --truth data/synthetic/truth/person_links.csv
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

SQL = """
with
predicted as (select agency, person_id, child_key from intermediate.int_children_linked),
truth as (select agency, person_id, true_person_id from read_csv('{truth}', all_varchar=true)),
joined as (select * from predicted join truth using (agency, person_id)),
pairs as (
    select a.child_key = b.child_key as same_predicted,
           a.true_person_id = b.true_person_id as same_true,
           a.agency <> b.agency as cross_agency
    from joined a join joined b
      on (a.agency, a.person_id) < (b.agency, b.person_id)
     and (a.child_key = b.child_key or a.true_person_id = b.true_person_id)
)
select
    count(*) filter (where same_predicted and same_true) as true_positive,
    count(*) filter (where same_predicted) as predicted,
    count(*) filter (where same_true) as actual,
    count(*) filter (where same_predicted and same_true and cross_agency) as x_true_positive,
    count(*) filter (where same_predicted and cross_agency) as x_predicted,
    count(*) filter (where same_true and cross_agency) as x_actual,
    (select count(*) from joined) as records
from pairs
"""


def measure(warehouse: Path, truth: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    row = con.execute(SQL.format(truth=Path(truth).resolve())).fetchone()
    assert row is not None  # aggregates without group by: always one row
    tp, pred, actual, xtp, xpred, xactual, records = row
    con.close()

    def ratio(a, b):
        return round(a / b, 4) if b else None

    return {
        "records": records,
        "pairs_true": actual,
        "pairs_predicted": pred,
        "precision": ratio(tp, pred),
        "recall": ratio(tp, actual),
        "cross_agency_precision": ratio(xtp, xpred),
        "cross_agency_recall": ratio(xtp, xactual),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    args = parser.parse_args()
    print(json.dumps(measure(args.warehouse, args.truth), indent=2))


if __name__ == "__main__":
    main()
