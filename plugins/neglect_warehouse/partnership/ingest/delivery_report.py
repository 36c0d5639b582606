"""The report a delivery leaves behind, for the agency that sent it and the engineers who
operate the loads: ``report.json`` (machine-readable) and ``report.md`` (readable), in
``<quarantine>/<agency>/<extract date>-<delivery id>/``. A quarantined delivery's files are
copied there as received; rejected rows are listed with their line, column, rule and what to
do. The folder is restricted: rejected rows may hold what should never have been sent."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from neglect_warehouse.shared.contract import DeliveryState


def write_report(outcome, copy: list[Path], root: Path, results=None) -> Path:
    """``copy``: the delivery's files to keep as received. Only regular files of the agency's
    folder are copied (ingest/files.py); none when a raw identifier was found, which the
    warehouse must not hold."""
    from neglect_warehouse.partnership.ingest.files import copy_out

    folder = Path(root) / outcome.agency / f"{outcome.extract_date}-{outcome.delivery_id}"
    folder.mkdir(parents=True, exist_ok=True)
    if any(f.rule == "identifier_breach" for f in outcome.findings):
        copy = []
    for path in copy:
        copy_out(path.parent, path.name, folder / path.name)
    findings = [f.as_dict() for f in outcome.findings]
    doc = {
        "agency": outcome.agency,
        "extract_date": outcome.extract_date.isoformat(),
        "delivery_id": outcome.delivery_id,
        "state": outcome.state,
        "rows_in": outcome.rows_in,
        "rows_loaded": outcome.rows_loaded,
        "rows_rejected": outcome.rows_rejected,
        "what_to_do": DeliveryState(outcome.state).action,
        "findings": findings,
    }
    tmp = folder / ".report.json.tmp"
    tmp.write_text(json.dumps(doc, indent=2) + "\n")
    tmp.replace(folder / "report.json")
    lines = [
        f"# {outcome.agency} delivery of {outcome.extract_date}: {outcome.state}",
        "",
        f"Delivery id `{outcome.delivery_id}`. {DeliveryState(outcome.state).action}",
        "",
    ]
    if outcome.rows_in:
        lines += [
            f"Rows: {outcome.rows_in:,} in = {outcome.rows_loaded:,} loaded + "
            f"{outcome.rows_rejected:,} rejected.",
            "",
        ]
    by_severity = Counter(f.severity for f in outcome.findings)
    for severity, title in (
        ("quarantine", "Why the delivery was quarantined"),
        ("reject", "Rejected rows"),
        ("validity", "Codes outside their list"),
        ("breach", "Consistency rules broken (extracts.md §6)"),
    ):
        items = [f for f in outcome.findings if f.severity == severity]
        if not items:
            continue
        lines += [
            f"## {title} ({by_severity[severity]:,})",
            "",
            "| file | line | column | rule | problem | what to do |",
            "|---|---|---|---|---|---|",
        ]
        for f in items[:500]:
            lines.append(
                f"| {f.file or ''} | {f.line or ''} | {f.column or ''} | {f.rule} | "
                f"{f.message.replace('|', '/')} | {f.action} |"
            )
        if len(items) > 500:
            lines.append(f"| … | | | | {len(items) - 500:,} more in report.json | |")
        lines.append("")
    (folder / "report.md").write_text("\n".join(lines))
    return folder
