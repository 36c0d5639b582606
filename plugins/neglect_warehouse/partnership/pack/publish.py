"""Write, audit, publish the board pack (outputs.md §3).

1. **Write** every file into a staging folder beside the outbox: the workbook, the HTML report
   and its PDF, the long CSV, the manifest (sha256 of every file).
2. **Audit** what was written: the dbt tests on the marts the pack reads pass; every file is
   there and matches the manifest; every indicator is present; disclosure control holds on the
   files themselves (no count from 1 to 5 in the CSV or the workbook, no recoverable cell:
   pack/disclosure.py ``check``, which attacks every table); no token, NHS number or record
   identifier in the text a reader of any file sees (``identifier_problems``); the workbook
   has no hidden sheet, formula or link.
3. **Publish** only if the audit found nothing: the folder is moved into
   ``<outbox>/<YYYY-MM>/`` in one rename (a previous pack of the period is kept aside), then
   emailed through Airflow's SMTP connection when recipients are configured.

A failed audit publishes nothing, sends nothing and raises ``AuditFailed`` with every reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from neglect_warehouse.partnership.pack.content import Pack, load
from neglect_warehouse.partnership.warehouse import Target, Warehouse, raw_table
from neglect_warehouse.shared import contract
from neglect_warehouse.shared.digest import sha256_of
from neglect_warehouse.shared.nhs_number import is_valid

RECIPIENTS_ENV = "NEGLECT_WAREHOUSE_PACK_RECIPIENTS"
SMTP_CONN_ENV = "NEGLECT_WAREHOUSE_SMTP_CONN_ID"
HEX_TOKEN = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")
NHS_LIKE = re.compile(r"(?<![0-9A-Za-z])(\d{10}|\d{3} \d{3} \d{4})(?![0-9A-Za-z])")
CSV_COLUMNS = [
    "indicator_id",
    "title",
    "period_end",
    "area_code",
    "area_name",
    "numerator",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "comparator_value",
    "significance",
    "target_value",
    "target_status",
    "polarity",
    "excluded_records",
]
COUNT_COLUMNS = ("numerator", "denominator", "excluded_records")


class AuditFailed(RuntimeError):
    def __init__(self, period: str, problems: list[str]):
        self.problems = problems
        listed = "\n".join(f"- {p}" for p in problems[:40])
        more = f"\n- … and {len(problems) - 40} more" if len(problems) > 40 else ""
        super().__init__(
            f"the board pack for {period} failed its audit; nothing was published or sent:\n"
            f"{listed}{more}"
        )


@dataclass
class Published:
    period: str
    folder: Path
    files: list[Path]
    emailed_to: list[str]

    def summary(self) -> str:
        sent = f"; emailed to {', '.join(self.emailed_to)}" if self.emailed_to else ""
        return f"board pack {self.period} published in {self.folder}{sent}"


def file_names(period: str) -> dict[str, str]:
    stem = f"neglect-indicators-{period}"
    return {
        "workbook": f"{stem}.xlsx",
        "report": f"{stem}.html",
        "pdf": f"{stem}.pdf",
        "csv": f"{stem}-values.csv",
        "manifest": "manifest.json",
    }


# --- write ----------------------------------------------------------------------------------


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TEXT_CSV_COLUMNS = frozenset(
    ("indicator_id", "title", "area_code", "area_name", "significance", "target_status", "polarity")
)


def neutralised(text) -> str:
    """A text field a spreadsheet would run ("=…", "+…", "-…", "@…", a tab or carriage
    return first) with a leading apostrophe, as OWASP advises for CSV files: shown as text."""
    text = "" if text is None else str(text)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(pack: Pack, path: Path) -> Path:
    names = dict(zip(pack.areas.area_code, pack.areas.area_name, strict=True))
    titles = dict(zip(pack.indicators.indicator_id, pack.indicators.title, strict=True))
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(CSV_COLUMNS)
        for _, row in pack.values.sort_values(
            ["indicator_id", "area_code", "period_end"]
        ).iterrows():
            fields = [
                row["indicator_id"],
                titles[row["indicator_id"]],
                row["period_end"].isoformat(),
                row["area_code"],
                names.get(row["area_code"], row["area_code"]),
                row["numerator_shown"],
                row["denominator_shown"],
                row["value_shown"],
                row["lower_95_shown"],
                row["upper_95_shown"],
                row["comparator_value_shown"],
                row.get("significance_shown", row["significance"]),
                _number(row["target_value"], "{:g}"),
                row.get("target_status_shown", row["target_status"]),
                row["polarity"],
                row["excluded_records_shown"],
            ]
            w.writerow(
                [
                    neutralised(v) if c in TEXT_CSV_COLUMNS else v
                    for c, v in zip(CSV_COLUMNS, fields, strict=True)
                ]
            )
    return path


def _number(value, form: str) -> str:
    if value is None or value != value:
        return ""
    return form.format(value)


def write_pack(pack: Pack, folder: Path) -> dict[str, Path]:
    """Every file of the pack into ``folder``; returns them by kind."""
    from neglect_warehouse.partnership.pack.board_report import print_pdf, render_html
    from neglect_warehouse.partnership.pack.workbook import build_workbook

    folder.mkdir(parents=True, exist_ok=True)
    names = file_names(pack.period)
    files = {
        "workbook": build_workbook(pack, folder / names["workbook"]),
        "report": render_html(pack, folder / names["report"]),
        "csv": write_csv(pack, folder / names["csv"]),
    }
    files["pdf"] = print_pdf(files["report"], folder / names["pdf"])
    manifest = {
        "period": pack.period,
        "period_end": pack.period_end.isoformat(),
        "made_at": dt.datetime.now().isoformat(timespec="seconds"),
        "current_data": {
            a["agency"]: str(a["extract_date"]) for a in pack.agencies if a["extract_date"]
        },
        "files": [
            {"name": p.name, "bytes": p.stat().st_size, "sha256": sha256_of(p)}
            for p in files.values()
        ],
    }
    files["manifest"] = folder / names["manifest"]
    files["manifest"].write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return files


# --- audit ----------------------------------------------------------------------------------


SYMBOLS = frozenset({"c", "x", "z", "u"})  # GSS symbols the pack writes in any cell


@functools.cache
def fixed_words() -> frozenset[str]:
    """Words the pack prints whatever the data says: those of its own code and templates,
    the contract's words it shows (agency names, delivery states), the indicator catalogue (dbt
    seeds) and the marts' fixed texts (rule descriptions). A record id equal to one ("S47",
    "24") shows up in every pack because the wording has it, not because of the record, so it
    gives nothing away; an edit of the catalogue in the warehouse is not in these files, and
    is searched."""
    from neglect_warehouse.partnership.pack import reader_text
    from neglect_warehouse.partnership.transform.dbt_build import PROJECT, PROJECT_ENV

    here = Path(__file__).parent
    project = Path(os.environ.get(PROJECT_ENV) or PROJECT)
    sources = [*here.glob("*.py"), *(here / "templates").glob("*")]
    sources += [*(project / "seeds").rglob("*.csv"), *(project / "models" / "marts").rglob("*.sql")]
    texts = [path.read_text(encoding="utf-8", errors="replace") for path in sources]
    texts += [contract.agency_name(agency) for agency in contract.AGENCIES]
    texts += [text for s in contract.DeliveryState for text in (s.label, s.label.lower())]
    words: set[str] = set()
    for text in texts:
        words.update(reader_text.WORD.findall(text))
    return frozenset(words)


def identifier_problems(pack: Pack, files: dict[str, Path], target: Target) -> list[str]:
    """Every token, NHS number or record identifier in the text a reader of the pack sees
    (pack/reader_text.py): a 32-hex-character token or a valid NHS number anywhere; any word
    that is a value of an id or token column of the warehouse, digits-only ids included,
    except digits in a number cell (a count that equals an id is not an id). The pack's own
    words (``fixed_words``, indicator ids, area codes, the GSS symbols) are its vocabulary, not
    identifiers."""
    from neglect_warehouse.partnership.pack import reader_text

    seen = reader_text.texts(files)
    vocabulary = SYMBOLS | fixed_words() | set(pack.indicators.indicator_id)
    vocabulary |= set(pack.areas.area_code)
    report_numbers = {
        w for t in seen.get("report", []) if t.number_cell for w in reader_text.WORD.findall(t.text)
    }
    problems: list[str] = []
    places: dict[str, dict[str, str]] = {}  # word → kind of file → where it is first
    for kind, pieces in seen.items():
        for piece in pieces:
            if HEX_TOKEN.search(piece.text):
                problems.append(f"{piece.place}: a 32-hex-character token")
            if any(is_valid(m.replace(" ", "")) for m in NHS_LIKE.findall(piece.text)):
                problems.append(f"{piece.place}: a valid NHS number")
            words = piece.words()
            if kind == "pdf":  # digits printed from the report's number cells are numbers
                words = {w for w in words if not (w.isdigit() and w in report_numbers)}
            for word in words - vocabulary:
                places.setdefault(word, {}).setdefault(kind, piece.place)
    for word in sorted(record_identifiers(target, places)):
        problems.append(
            f"{word!r} is a record identifier or token of an agency's data, shown in "
            + "; ".join(places[word].values())
        )
    return problems


def record_identifiers(target: Target, words) -> set[str]:
    """Which of ``words`` are values of an id or token column of any agency entity, in any
    delivery (the raw layer), looked up in one query per 5,000 words."""
    words = sorted(words)
    if not words:
        return set()
    columns = [
        (raw_table(agency, entity.name), column.name)
        for agency in contract.AGENCIES
        for entity in contract.entities(agency)
        for column in entity.columns
        if contract.column_type(column.type).record_key
    ]
    found: set[str] = set()
    with Warehouse(target) as wh:
        present = {f"raw.{name}" for name in wh.tables("raw")}
        columns = [(table, column) for table, column in columns if table in present]
        if not columns:
            return found
        for start in range(0, len(words), 5000):
            chunk = words[start : start + 5000]
            candidates = ", ".join("(?)" for _ in chunk)
            hits = "\nunion\n".join(
                f'select "{column}" as word from {table} '
                f'where "{column}" in (select word from candidates)'
                for table, column in columns
            )
            rows = wh.query(
                f"with candidates(word) as (values {candidates}) {hits}",
                chunk,
            )
            found.update(word for (word,) in rows)
    return found


def audit(pack: Pack, files: dict[str, Path], target: Target, run_dbt_tests: bool = True):
    """Every reason not to publish (an empty list: publish)."""
    from openpyxl import load_workbook

    from neglect_warehouse.partnership.pack import disclosure

    problems: list[str] = []
    if run_dbt_tests:
        from neglect_warehouse.partnership.transform.dbt_build import TransformError, build

        try:
            build(target, "marts", command="test")
        except TransformError as exc:
            problems.append(f"dbt tests on the marts failed: {exc}")
    for kind, path in files.items():
        if not path.exists() or path.stat().st_size == 0:
            problems.append(f"{kind} file {path.name} is missing or empty")
    manifest = json.loads(files["manifest"].read_text())
    for entry in manifest["files"]:
        path = files["manifest"].parent / entry["name"]
        if not path.exists() or sha256_of(path) != entry["sha256"]:
            problems.append(f"{entry['name']} does not match its sha256 in the manifest")

    with open(files["csv"], newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    expected = set(pack.indicators.indicator_id)
    present = {r["indicator_id"] for r in rows if r["period_end"] == pack.period_end.isoformat()}
    for missing in sorted(expected - present):
        problems.append(f"indicator {missing} has no row for {pack.period} in the CSV")
    for r in rows:
        for column in COUNT_COLUMNS:
            if r[column].isdigit() and 1 <= int(r[column]) <= 5:
                problems.append(
                    f"CSV shows a count from 1 to 5: {r['indicator_id']} {r['period_end']} "
                    f"{r['area_code']} {column} = {r[column]}"
                )
    problems += [f"disclosure: {p}" for p in disclosure.check(pack.values)]
    shown = {
        (r["indicator_id"], r["period_end"], r["area_code"]): r for r in rows
    }  # the CSV must show exactly what was checked
    for _, v in pack.values.iterrows():
        checked = shown.get((v["indicator_id"], v["period_end"].isoformat(), v["area_code"]))
        if checked is None or any(checked[c] != str(v[f"{c}_shown"]) for c in COUNT_COLUMNS):
            problems.append(
                f"CSV differs from the checked values at {v['indicator_id']} "
                f"{v['period_end']} {v['area_code']}"
            )
            break

    wb = load_workbook(files["workbook"])
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            problems.append(f"workbook sheet {ws.title!r} is hidden")
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    problems.append(f"workbook formula in {ws.title}!{cell.coordinate}")
                if cell.hyperlink is not None:
                    problems.append(f"workbook link in {ws.title}!{cell.coordinate}")
        if ws.title not in ("Summary", "Definitions") and not ws.title.startswith("Data quality"):
            for row in ws.iter_rows(min_row=4, values_only=True):
                if row[2] in ("numerator", "denominator"):
                    for value in row[3:]:
                        if isinstance(value, int | float) and 1 <= value <= 5:
                            problems.append(f"workbook shows a count from 1 to 5 in {ws.title}")
                            break
    if getattr(wb, "_external_links", None):
        problems.append("workbook has external links")

    problems += identifier_problems(pack, files, target)
    return problems


# --- publish --------------------------------------------------------------------------------


def recipients() -> list[str]:
    return [a.strip() for a in os.environ.get(RECIPIENTS_ENV, "").split(",") if a.strip()]


def email(period: str, folder: Path, to: list[str]) -> None:
    """Send the pack through Airflow's SMTP connection (``smtp_default`` unless
    ``$NEGLECT_WAREHOUSE_SMTP_CONN_ID`` names another)."""
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    names = file_names(period)
    attachments = [str(folder / names[k]) for k in ("pdf", "workbook", "csv", "manifest")]
    body = (
        f"<p>The partnership's neglect indicator pack for {period} is attached: the report "
        "(PDF), the workbook and the values (CSV), with a manifest of checksums.</p>"
        f"<p>It is also in the outbox: {folder}</p>"
    )
    conn_id = os.environ.get(SMTP_CONN_ENV, "smtp_default")
    with SmtpHook(smtp_conn_id=conn_id) as hook:
        hook.send_email_smtp(
            to=to,
            subject=f"Neglect indicator pack {period}",
            html_content=body,
            files=attachments,
            from_email=hook.from_email or "neglect-warehouse@localhost",
        )


def make_pack(
    target: Target,
    period: str,
    outbox: Path,
    run_dbt_tests: bool = True,
    send: bool = True,
) -> Published:
    """Write, audit and publish the pack for ``period`` (YYYY-MM) into ``outbox``."""
    pack = load(target, period)
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
    staging = outbox / ".staging" / f"{period}-{stamp}"
    if staging.exists():
        shutil.rmtree(staging)
    files = write_pack(pack, staging)
    problems = audit(pack, files, target, run_dbt_tests=run_dbt_tests)
    if problems:
        failed = outbox / ".failed" / f"{period}-{stamp}"
        failed.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(failed)  # kept for the engineers, never in the outbox
        (failed / "AUDIT.txt").write_text("\n".join(problems) + "\n", encoding="utf-8")
        raise AuditFailed(period, problems)
    final = outbox / period
    if final.exists():
        replaced = outbox / ".replaced" / f"{period}-{stamp}"
        replaced.parent.mkdir(parents=True, exist_ok=True)
        final.rename(replaced)
    staging.rename(final)
    to = recipients() if send else []
    if to:
        email(period, final, to)
    return Published(
        period=period,
        folder=final,
        files=sorted(final.iterdir()),
        emailed_to=to,
    )
