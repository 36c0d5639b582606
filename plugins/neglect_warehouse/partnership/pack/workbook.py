"""The board workbook (outputs.md §3): a summary sheet, one sheet per theme with 24 months of
values and the locality breakdowns, a data quality sheet per agency, and the definitions.
Plain values only: no hidden sheets, formulas or links. Made from a ``Pack`` only; visible
numbers are written as numbers (rounded to one decimal place), suppressed ones as ``c``, not
available as ``x``."""

from __future__ import annotations

from pathlib import Path

from neglect_warehouse.partnership.pack import formats, words
from neglect_warehouse.partnership.pack.board_report import context
from neglect_warehouse.partnership.pack.content import Pack, months_before
from neglect_warehouse.shared import contract

HEADER_FILL = "EEF3F9"


def cell_value(text: str):
    """A display string as a cell: a number where it is one, else the symbol."""
    try:
        number = float(str(text).replace(",", ""))
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in str(text) else number


def _header(ws, row: int, values: list) -> None:
    from openpyxl.styles import Font, PatternFill

    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)


def build_workbook(pack: Pack, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    summary = wb.active
    summary.title = "Summary"
    summary["A1"] = pack.title
    summary["A1"].font = Font(bold=True, size=14)
    summary["A2"] = (
        "c: 1 to 5 children or events, or a figure that would reveal one (hidden); "
        "x: not available. Values are percentages (F08: per 10,000 children)."
    )
    columns = [
        "Indicator",
        "Title",
        "Theme",
        "Period end",
        "Value",
        "Lower 95%",
        "Upper 95%",
        "Numerator",
        "Denominator",
        "Target",
        "Against target",
        "Comparator",
        "Comparison",
        "Since a year ago",
        "Records not used (rule breaches)",
    ]
    _header(summary, 4, columns)
    text = {row["id"]: row for row in context(pack)["summary"]}
    latest = pack.latest()
    for _, row in latest.iterrows():
        has_value = isinstance(row.get("value_shown"), str)

        def shown(column: str, row=row, has_value=has_value):
            return cell_value(row[f"{column}_shown"]) if has_value else words.NOT_AVAILABLE

        described = text[row["indicator_id"]]
        summary.append(
            [
                row["indicator_id"],
                row["title"],
                pack.themes[row["theme"]].title,
                pack.period_end,
                shown("value"),
                shown("lower_95"),
                shown("upper_95"),
                shown("numerator"),
                shown("denominator"),
                _plain(row["target_value_def"]),
                described["target"],
                _plain(row["comparator_value_def"]),
                described["comparison"],
                described["direction"],
                shown("excluded_records"),
            ]
        )
    summary.freeze_panes = "C5"

    months = [months_before(pack.period_end, n) for n in range(23, -1, -1)]
    area_names = dict(zip(pack.areas.area_code, pack.areas.area_name, strict=True))
    for key, theme in pack.themes.items():
        ws = wb.create_sheet(theme.sheet)
        ws["A1"] = theme.title
        ws["A1"].font = Font(bold=True, size=13)
        _header(ws, 3, ["Indicator", "Area", "Measure", *[formats.month(m) for m in months]])
        for _, indicator in pack.indicators[pack.indicators.theme == key].iterrows():
            values = pack.values[pack.values.indicator_id == indicator["indicator_id"]]
            for area in [a for a in pack.areas.area_code if a in set(values.area_code)]:
                series = values[values.area_code == area].set_index("period_end")
                for measure, column in (
                    ("value", "value"),
                    ("lower 95%", "lower_95"),
                    ("upper 95%", "upper_95"),
                    ("numerator", "numerator"),
                    ("denominator", "denominator"),
                ):
                    ws.append(
                        [
                            f"{indicator['indicator_id']} {indicator['title']}",
                            area_names.get(area, area),
                            measure,
                            *[
                                cell_value(series.loc[m, f"{column}_shown"])
                                if m in series.index
                                else words.NOT_AVAILABLE
                                for m in months
                            ],
                        ]
                    )
        ws.freeze_panes = "D4"

    for agency in pack.agencies:
        ws = wb.create_sheet(f"Data quality {agency['agency']}")
        ws["A1"] = f"Data quality: {contract.agency_name(agency['agency'])}"
        ws["A1"].font = Font(bold=True, size=13)
        trend = [d for d in pack.dq_deliveries if d["agency"] == agency["agency"]]
        dq_columns = [
            "extract_date",
            "arrived_at",
            "state",
            "days_extract_to_arrival",
            "months_since_previous_delivery",
            "rows_in",
            "rows_loaded",
            "rows_rejected",
            "duplicate_ids",
            "codes_outside_list",
            "consistency_breaches",
            "persons_with_person_token_pct",
            "persons_linked_to_csc_child_pct",
        ]
        _header(ws, 3, [c.replace("_", " ") for c in dq_columns])
        for d in trend:
            ws.append([_plain(d.get(c)) for c in dq_columns])
        start = ws.max_row + 2
        ws.cell(row=start, column=1, value="Consistency rules broken in the current delivery")
        ws.cell(row=start, column=1).font = Font(bold=True)
        _header(ws, start + 1, ["entity", "rule", "description", "records breaching"])
        for rule in pack.dq_rules:
            if rule["agency"] == agency["agency"]:
                ws.append(
                    [rule["entity"], rule["rule"], rule["rule_description"], rule["breach_count"]]
                )

    definitions = wb.create_sheet("Definitions")
    fields = [
        "indicator_id",
        "title",
        "theme",
        "definition",
        "unit",
        "indicator_type",
        "measure",
        "polarity",
        "target_value",
        "target_source",
        "comparator_value",
        "comparator_year",
        "comparator_source",
        "agencies",
        "caveats",
    ]
    _header(definitions, 1, [f.replace("_", " ") for f in fields])
    for _, row in pack.indicators.iterrows():
        definitions.append([_plain(row[f]) for f in fields])
    _text_as_text(wb)
    wb.save(path)
    return path


def _text_as_text(wb) -> None:
    """Every cell is a number, a date or text: text that looks like a formula ("=…", which
    openpyxl would store as one) is stored as text, so no spreadsheet runs it."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def _plain(value):
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    return value
