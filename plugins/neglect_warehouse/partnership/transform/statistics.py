"""Exact Poisson 95% limits for small counts (indicators.md §2: exact Poisson below 10 events),
from chi-square quantiles: lower = χ²(0.025; 2O) / 2, upper = χ²(0.975; 2O + 2) / 2. SQL has no
chi-square quantile function, so the ten rows are a dbt seed generated here (scipy)."""

from __future__ import annotations

import csv
import io


def poisson_exact_limits_csv() -> str:
    from scipy.stats import chi2

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["observed", "lower_95", "upper_95"])
    for observed in range(10):
        lower = chi2.ppf(0.025, 2 * observed) / 2 if observed else 0.0
        upper = chi2.ppf(0.975, 2 * observed + 2) / 2
        writer.writerow([observed, f"{lower:.6f}", f"{upper:.6f}"])
    return out.getvalue()
