"""The board pack made for real from a built warehouse, and every output opened as its reader
would: the workbook with openpyxl, the report in headless Chromium, the PDF rendered to
images, the CSV and the manifest; the email received by a local SMTP server; a failed audit
publishing and sending nothing."""

from __future__ import annotations

import csv
import email
import hashlib
import json
import math
import shutil

import pytest

from neglect_warehouse.partnership.pack.content import latest_period, themes
from neglect_warehouse.partnership.pack.publish import AuditFailed, file_names, make_pack
from neglect_warehouse.partnership.warehouse import Target, Warehouse

CHROMIUM = shutil.which("chromium")
VALUE_BLUE = (0x1D, 0x4E, 0x89)
# The report's theme pages and the workbook's theme sheets, in order, as the board sees them.
THEMES = {
    "strategy": "Strategy measures",
    "front_door": "Front door and children's social care",
    "health": "Health",
    "police": "Police",
    "probation": "Probation and youth justice",
    "multi_agency": "Multi-agency",
}
THEME_SHEETS = [
    "Strategy",
    "Front door and social care",
    "Health",
    "Police",
    "Probation and youth justice",
    "Multi-agency",
]


def test_the_themes_of_the_catalogue_in_the_pack_s_order(warehouse):
    catalogue = [t for (t,) in marts(warehouse, "select distinct theme from marts.dim_indicator")]
    made = themes(catalogue)
    assert {k: t.title for k, t in made.items()} == THEMES
    assert list(made) == list(THEMES)
    assert [t.sheet for t in made.values()] == THEME_SHEETS


@pytest.fixture(scope="module")
def published(warehouse, tmp_path_factory):
    outbox = tmp_path_factory.mktemp("outbox")
    period = latest_period(warehouse)
    result = make_pack(warehouse, period, outbox)
    return result


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def marts(target: Target, sql: str) -> list[tuple]:
    with Warehouse(target) as wh:
        return wh.query(sql)


def test_published_in_the_outbox_with_every_file(published):
    names = file_names(published.period)
    assert published.folder.name == published.period
    assert sorted(p.name for p in published.files) == sorted(names.values())
    assert not list(published.folder.parent.glob(".staging/*"))  # nothing left half-made


def test_manifest_sha256_and_csv(published, warehouse):
    folder = published.folder
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["period"] == published.period
    listed = {f["name"]: f for f in manifest["files"]}
    assert set(listed) == {p.name for p in published.files} - {"manifest.json"}
    for name, entry in listed.items():
        data = (folder / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["bytes"]
    with open(folder / file_names(published.period)["csv"], newline="") as f:
        rows = list(csv.DictReader(f))
    truth = {
        (i, str(p), a): (n, d)
        for i, p, a, n, d in marts(
            warehouse,
            "select indicator_id, period_end, area_code, numerator, denominator "
            "from marts.fct_indicator_values",
        )
    }
    assert len({r["indicator_id"] for r in rows}) == 33
    for r in rows:
        n, d = truth[(r["indicator_id"], r["period_end"], r["area_code"])]
        for shown, true in ((r["numerator"], n), (r["denominator"], d)):
            if shown == "c":
                assert 1 <= true <= 5 or true >= 0  # suppressed (primary or secondary)
            else:
                assert int(shown) == true
                assert not 1 <= true <= 5


def test_workbook_sheets_values_and_nothing_hidden(published, warehouse):
    from openpyxl import load_workbook

    path = published.folder / file_names(published.period)["workbook"]
    wb = load_workbook(path)
    titles = wb.sheetnames
    assert titles[0] == "Summary" and titles[-1] == "Definitions"
    assert titles[1:7] == THEME_SHEETS
    assert sum(t.startswith("Data quality") for t in titles) == 4
    for ws in wb.worksheets:
        assert ws.sheet_state == "visible"
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                assert cell.hyperlink is None
    assert not wb._external_links
    values = {
        i: v
        for i, v in marts(
            warehouse,
            "select indicator_id, value from marts.fct_indicator_values "
            "where area_code = 'ALL' and period_end = (select max(period_end) "
            "from marts.fct_indicator_values)",
        )
    }
    summary = wb["Summary"]
    header = [c.value for c in summary[4]]
    seen = 0
    for row in summary.iter_rows(min_row=5, values_only=True):
        record = dict(zip(header, row, strict=True))
        shown = record["Value"]
        true = values.get(record["Indicator"])
        if isinstance(shown, int | float):
            assert shown == pytest.approx(round(true, 1))
            seen += 1
        else:
            assert shown in ("c", "x")
    assert seen >= 10
    definitions = wb["Definitions"]
    assert definitions.max_row == 34


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is installed by `make browser`")
def test_report_in_headless_chromium(published, tmp_path):
    from playwright.sync_api import sync_playwright

    report = published.folder / file_names(published.period)["report"]
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(report.as_uri())
        assert page.locator("svg.chart").count() == 33
        for key in THEMES:
            assert page.locator(f"#theme-{key} .card").count() >= 1
        assert page.locator("#data-quality tr").count() == 5
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    assert errors == []
    assert (tmp_path / "report.png").stat().st_size > 20_000


def test_pdf_has_one_page_per_theme_with_charts(published, warehouse):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(published.folder / file_names(published.period)["pdf"]))
    texts = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    assert len(pdf) == 2 + len(THEMES) + 1  # introduction, at a glance, themes, data quality
    themes = dict(marts(warehouse, "select indicator_id, theme from marts.dim_indicator"))
    for n, (key, title) in enumerate(THEMES.items(), start=2):
        assert texts[n].startswith(title)
        for indicator, theme in themes.items():
            if theme == key:
                assert f"{indicator} " in texts[n], (indicator, title)
        image = pdf[n].render(scale=0.6).to_pil().convert("RGB")
        blue = sum(
            1
            for pixel in image.get_flattened_data()
            if math.dist(pixel, VALUE_BLUE) < 40  # the value line and headings
        )
        assert blue > 500, title


@pytest.fixture
def smtp(monkeypatch):
    """A local SMTP server (aiosmtpd) as Airflow's smtp_default connection, and the board's
    address as the pack's recipient; yields the messages it receives."""
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv(
        "AIRFLOW_CONN_SMTP_DEFAULT",
        json.dumps(
            {
                "conn_type": "smtp",
                "host": "127.0.0.1",
                "port": port,
                "extra": {
                    "disable_tls": True,
                    "disable_ssl": True,
                    "from_email": "pack@partnership.example",
                },
            }
        ),
    )
    monkeypatch.setenv("NEGLECT_WAREHOUSE_PACK_RECIPIENTS", "board@partnership.example")
    yield received
    controller.stop()


def test_email_received_by_a_local_smtp_server(warehouse, tmp_path, smtp):
    period = latest_period(warehouse)
    result = make_pack(warehouse, period, tmp_path / "outbox", run_dbt_tests=False)
    assert result.emailed_to == ["board@partnership.example"]
    assert len(smtp) == 1
    assert smtp[0].rcpt_tos == ["board@partnership.example"]
    message = email.message_from_bytes(smtp[0].content)
    attached = sorted(part.get_filename() for part in message.walk() if part.get_filename())
    names = file_names(period)
    assert attached == sorted(names[k] for k in ("pdf", "workbook", "csv", "manifest"))


def test_the_month_published_is_the_newest_every_indicator_reaches(warehouse, tmp_path):
    # csc delivered a new month before the others: police's indicators stop a month earlier
    copy = tmp_path / "copy" / "warehouse.duckdb"
    copy.parent.mkdir()
    shutil.copy(warehouse.location, copy)
    target = Target.parse(copy)
    newest = latest_period(target)
    with Warehouse(target) as wh:
        (before,) = wh.query(
            "select max(period_end) from marts.fct_indicator_values where period_end < ?",
            [f"{newest}-01"],
        )[0]
        wh.execute(
            "delete from marts.fct_indicator_values where indicator_id like 'P%' "
            "and period_end >= ?",
            [f"{newest}-01"],
        )
    assert latest_period(target) == str(before)[:7]
    # an indicator with no value at all: the newest month with any value, whose pack's audit
    # then names what is missing
    with Warehouse(target) as wh:
        wh.execute("delete from marts.fct_indicator_values where indicator_id = 'R01'")
    assert latest_period(target) == newest


def test_a_failed_audit_publishes_and_sends_nothing(warehouse, tmp_path, smtp):
    # a copy of the warehouse (same file name: its views name the file) where an indicator's
    # title carries a record identifier, as a careless edit of the catalogue might
    copy = tmp_path / "copy" / "warehouse.duckdb"
    copy.parent.mkdir()
    shutil.copy(warehouse.location, copy)
    target = Target.parse(copy)
    with Warehouse(target) as wh:
        record_id = wh.query("select contact_id from raw.csc__contacts limit 1")[0][0]
        wh.execute(
            "update marts.dim_indicator set title = title || ' (e.g. ' || ? || ')' "
            "where indicator_id = 'S04'",
            [record_id],
        )
    outbox = tmp_path / "outbox"
    with pytest.raises(AuditFailed) as failure:
        make_pack(target, latest_period(target), outbox, run_dbt_tests=False)
    assert any("record identifier" in p and record_id in p for p in failure.value.problems)
    assert not [p for p in outbox.iterdir() if not p.name.startswith(".")]  # nothing published
    assert smtp == []  # nothing sent
    kept = list((outbox / ".failed").glob("*/AUDIT.txt"))
    assert len(kept) == 1 and record_id in kept[0].read_text()


def test_no_count_from_1_to_5_or_identifier_in_any_output(published):
    import re
    import zipfile

    folder = published.folder
    texts = []
    for path in folder.iterdir():
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                texts.append(
                    " ".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
                )
        elif path.suffix in (".html", ".csv", ".json"):
            texts.append(path.read_text())
    for text in texts:
        assert not re.search(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])", text)
    with open(folder / file_names(published.period)["csv"], newline="") as f:
        for r in csv.DictReader(f):
            for column in ("numerator", "denominator", "excluded_records"):
                assert r[column] not in {"1", "2", "3", "4", "5"}


def test_text_a_spreadsheet_would_run_is_text_in_every_file(warehouse, tmp_path):
    """A locality name that is a formula (ingest rejects it; say an edit of dim_area let it
    through) is a text cell in the workbook and starts with an apostrophe in the CSV."""
    from openpyxl import load_workbook

    from neglect_warehouse.partnership.pack.content import load
    from neglect_warehouse.partnership.pack.publish import write_pack

    pack = load(warehouse, latest_period(warehouse))
    formula = '=HYPERLINK("http://evil.example","L")'
    pack.areas.loc[pack.areas.area_code != "ALL", "area_name"] = formula
    pack.indicators.loc[pack.indicators.indicator_id == "S04", "title"] = "+cmd|' /C calc'!A0"
    files = write_pack(pack, tmp_path / "pack")
    wb = load_workbook(files["workbook"])
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == formula and c.data_type == "s" for c in cells)
    with open(files["csv"], newline="") as f:
        rows = list(csv.DictReader(f))
    names = {r["area_name"] for r in rows if r["area_code"] != "ALL"}
    assert names == {"'" + formula}
    assert {r["title"] for r in rows if r["indicator_id"] == "S04"} == {"'+cmd|' /C calc'!A0"}
