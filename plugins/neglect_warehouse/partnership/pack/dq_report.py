"""The agency data quality report (spec/outputs.md §4): one self-contained HTML file per agency
per delivery, for the agency's data manager, read from the data quality marts
(docs/data-quality.md) and, for "what to do", from the load metadata of the raw layer. This
module writes the files; ``neglect-warehouse dq-report`` and the board_pack DAG call it.

- ``render_agency_report(target, agency, delivery_id=None, out_dir)``: one delivery's report
  (default: the agency's newest delivery, whatever its state); the trend covers every delivery
  of the agency up to and including it.
- ``render_all(target, out_dir)``: one report per agency, for its newest delivery.

The report holds counts and percentages only: no record identifier, token or value from the
agency's records. It does name the agency's own files and columns, and the line numbers of
rejected rows (the first ``dq_shape.MAX_LINES`` per problem) so that the rows can be found and
fixed. How to read it, and the choices made: docs/dq-report.md. Made in steps, one module
each: dq_read.py (SQL), dq_shape.py and dq_trend.py (the content), dq_words.py (the words),
dq_render.py (the HTML, templates/dq_report.html.j2).
"""

from __future__ import annotations

import os
from pathlib import Path

from neglect_warehouse.partnership.pack.dq_render import render_html
from neglect_warehouse.partnership.pack.dq_shape import report_context
from neglect_warehouse.partnership.warehouse import Target, Warehouse
from neglect_warehouse.shared import contract

DEFAULT_OUT_DIR = Path("data/dq_reports")


def _target(target) -> Target:
    return target if isinstance(target, Target) else Target.parse(target)


def report_file_name(agency: str, delivery: dict) -> str:
    return f"dq_report_{agency}_{delivery['extract_date']:%Y-%m-%d}_{delivery['delivery_id']}.html"


def render_agency_report(
    target: Target | str | os.PathLike,
    agency: str,
    delivery_id: str | None = None,
    out_dir: str | os.PathLike = DEFAULT_OUT_DIR,
) -> Path:
    """Write one delivery's data quality report for ``agency`` into ``out_dir`` and return its
    path (``dq_report_<agency>_<extract date>_<delivery id>.html``). ``delivery_id`` defaults
    to the agency's newest delivery (any state); the trend shows every delivery of the agency
    up to and including it. Raises LookupError when the agency has no such delivery."""
    target = _target(target)
    with Warehouse(target) as wh:
        context = report_context(wh, agency, delivery_id)
    return _write(context, Path(out_dir))


def render_all(
    target: Target | str | os.PathLike, out_dir: str | os.PathLike = DEFAULT_OUT_DIR
) -> list[Path]:
    """One report per agency with at least one delivery, for its newest delivery; paths in
    the contract's order of the agencies (csc, police, health, probation)."""
    target = _target(target)
    contexts = []
    with Warehouse(target) as wh:
        for agency in contract.AGENCIES:
            try:
                contexts.append(report_context(wh, agency))
            except LookupError:
                continue
    return [_write(context, Path(out_dir)) for context in contexts]


def _write(context: dict, out_dir: Path) -> Path:
    """The report's file, written whole or not at all (a temporary file renamed)."""
    html = render_html(context)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / report_file_name(context["agency"], context["delivery"])
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path
