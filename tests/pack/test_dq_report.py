"""The agency data quality report (outputs.md §4) and the Great Expectations Data Docs, on the
tiny partnership with defects ingested for real: loaded deliveries with rejected rows, codes
outside their lists and consistency breaches, quarantined deliveries, a re-arrival
(DUPLICATE) and a manifest whose files never came (INCOMPLETE), as in
tests/dbt/test_data_quality.py; then dbt builds the data quality marts.

The report's figures are checked against the marts (read here with SQL, formatted here), not
against the report's own code."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from neglect_warehouse.cli import main
from neglect_warehouse.partnership.ingest.folder import ingest_landing
from neglect_warehouse.partnership.ingest.pipeline import Options
from neglect_warehouse.partnership.pack import dq_report
from neglect_warehouse.partnership.pack.data_docs import build_data_docs
from neglect_warehouse.partnership.transform.dbt_build import build
from neglect_warehouse.partnership.warehouse import Target, Warehouse, raw_table
from neglect_warehouse.shared import contract
from tests.dbt.test_data_quality import add_duplicate_and_incomplete

CHROMIUM = shutil.which("chromium")
TOKEN = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")
LOADED = ("LOADED", "LOADED_WITH_WARNINGS")


@pytest.fixture(scope="module")
def target(tiny_defects, tmp_path_factory) -> Target:
    tmp = tmp_path_factory.mktemp("dq-report")
    landing = tmp / "landing"
    shutil.copytree(tiny_defects / "landing", landing)
    target = Target.parse(tmp / "warehouse.duckdb")
    options = Options(tmp / "quarantine")
    ingest_landing(landing, target, options)
    add_duplicate_and_incomplete(landing)
    ingest_landing(landing, target, options)
    build(target, "+marts.data_quality")
    return target


@pytest.fixture(scope="module")
def reports(target, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dq-reports")
    paths = dq_report.render_all(target, out)
    return {p.name.split("_")[2]: p for p in paths}


def query(target: Target, sql: str, params=()) -> list[tuple]:
    with Warehouse(target) as wh:
        return wh.query(sql, params)


def deliveries(target: Target, agency: str) -> list[dict]:
    columns = [
        "delivery_id",
        "delivery_number",
        "extract_date",
        "state",
        "rows_in",
        "rows_rejected",
        "duplicate_ids",
        "codes_outside_list",
        "consistency_breaches",
        "days_extract_to_arrival",
        "persons_with_person_token_pct",
    ]
    rows = query(
        target,
        f"select {', '.join(columns)} from marts.fct_dq_deliveries where agency = ? "
        "order by delivery_number",
        [agency],
    )
    return [dict(zip(columns, r, strict=True)) for r in rows]


def shown(pct: float | None) -> str:
    """A percentage as the report must show it: one decimal, never a rounded-up 100% or a
    rounded-down 0%."""
    if pct is None:
        return "–"
    if 99.95 <= pct < 100:
        return ">99.9%"
    if 0 < pct < 0.05:
        return "<0.1%"
    return f"{pct:.1f}%"


# A small DOM, enough to find the report's elements by their attributes.


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return re.sub(r"\s+", " ", " ".join(parts)).strip()

    def find_all(self, tag: str | None = None, **attrs) -> list[Node]:
        found = []
        for c in self.children:
            if isinstance(c, Node):
                if (tag is None or c.tag == tag) and all(
                    _has(c.attrs.get(k.rstrip("_").replace("_", "-")), v) for k, v in attrs.items()
                ):
                    found.append(c)
                found.extend(c.find_all(tag, **attrs))
        return found

    def find(self, tag: str | None = None, **attrs) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, (tag, attrs)
        return found[0]

    def first_text(self) -> str:
        """The node's own value, before any better/worse note."""
        return self.text().split(" ▲")[0].split(" ▼")[0].split(" =")[0].strip()


def _has(value: str | None, wanted) -> bool:
    if value is None:
        return False
    if wanted is True:
        return True
    if isinstance(wanted, str) and wanted.startswith("~"):
        return wanted[1:] in value.split()
    return value == str(wanted)


VOID = {"meta", "br", "img", "input", "link", "hr", "circle", "polyline"}


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.node = Node("root", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.node)
        self.node.children.append(node)
        if tag not in VOID:
            self.node = node

    def handle_startendtag(self, tag, attrs):
        self.node.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.node))

    def handle_endtag(self, tag):
        node = self.node
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.node = node.parent

    def handle_data(self, data):
        self.node.children.append(data)


def dom(path: Path) -> Node:
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.root


# ---------------------------------------------------------------------------------------------


def test_one_self_contained_report_per_agency_for_its_newest_delivery(target, reports):
    assert set(reports) == set(contract.AGENCIES)
    for agency, path in reports.items():
        newest = deliveries(target, agency)[-1]
        assert path.exists()
        assert path.name == (
            f"dq_report_{agency}_{newest['extract_date']:%Y-%m-%d}_{newest['delivery_id']}.html"
        )
        html = path.read_text(encoding="utf-8")
        assert "<script" not in html.lower()
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
        assert "@media print" in html
        page = dom(path)
        assert page.find(id="state").text() == contract.DeliveryState(newest["state"]).label
        assert page.find("h1").text().startswith(contract.agency_name(agency))


def test_the_trend_has_one_row_per_delivery_up_to_the_reported_one(target, reports, tmp_path):
    for agency, path in reports.items():
        expected = deliveries(target, agency)
        page = dom(path)
        for table in ("trend-arrival", "trend-quality"):
            rows = page.find(id=table).find_all("tr", class_="~delivery")
            assert [int(r.attrs["data-delivery-number"]) for r in rows] == [
                d["delivery_number"] for d in expected
            ]
            assert [r.attrs["data-state"] for r in rows] == [d["state"] for d in expected]
            assert "selected" in rows[-1].attrs["class"].split()
        arrival = page.find(id="trend-arrival").find_all("tr", class_="~delivery")
        for row, d in zip(arrival, expected, strict=True):
            days = row.find(data_key="days_extract_to_arrival").first_text()
            assert days == f"{d['days_extract_to_arrival']} day" + (
                "" if d["days_extract_to_arrival"] == 1 else "s"
            )
    # an earlier delivery's report: the trend stops at it
    first = deliveries(target, "police")[0]
    path = dq_report.render_agency_report(target, "police", first["delivery_id"], tmp_path)
    rows = dom(path).find(id="trend-quality").find_all("tr", class_="~delivery")
    assert [r.attrs["data-delivery-number"] for r in rows] == ["1"]


def test_better_or_worse_follows_the_marts(target, reports):
    # police: two loaded deliveries
    first, second = [d for d in deliveries(target, "police") if d["state"] in LOADED][-2:]
    page = dom(reports["police"])
    row = page.find(id="trend-quality").find_all("tr", class_="~delivery")[-1]
    checked = 0
    for key in ("duplicate_ids", "codes_outside_list", "consistency_breaches"):
        cell = row.find(data_key=key)
        assert cell.first_text() == f"{second[key]:,}"
        if second[key] == first[key]:
            expected = "same"
        else:
            expected = "better" if second[key] < first[key] else "worse"
            checked += 1
        assert cell.find("span", class_=f"~chg-{expected}")
    assert checked  # the fixture's figures move between deliveries


def test_headline_figures_equal_the_marts(target, reports):
    d = deliveries(target, "police")[-1]
    assert d["state"] == "LOADED_WITH_WARNINGS"
    page = dom(reports["police"])
    headline = {
        li.attrs.get("data-key"): li.text() for li in page.find(id="headline").find_all("li")
    }
    assert headline["rows_rejected_pct"].startswith(
        f"{d['rows_rejected']:,} of {d['rows_in']:,} rows rejected"
    )
    assert headline["consistency_breaches"].startswith(f"{d['consistency_breaches']:,} breach")
    (records,) = query(
        target,
        "select count(distinct (entity, coalesce(record_id, cast(line as varchar)))) "
        "from raw.rule_breaches where delivery_id = ?",
        [d["delivery_id"]],
    )[0]
    assert f", in {records:,} record" in headline["consistency_breaches"]
    assert headline["codes_outside_list"].startswith(f"{d['codes_outside_list']:,} code")
    assert headline["days_extract_to_arrival"].startswith(
        f"Arrived {d['days_extract_to_arrival']} days after the extract date"
    )
    assert headline["persons_with_person_token_pct"].startswith(
        shown(d["persons_with_person_token_pct"])
    )
    # completeness pooled over the required and indicator-critical columns, from the mart
    present, known, files, incomplete = 0, 0, set(), set()
    for entity, required, critical, loaded, nulls, missing, invalid in query(
        target,
        "select entity, is_required, is_indicator_critical, rows_loaded, null_values, "
        "rows_rejected_missing, rows_rejected_invalid from marts.fct_dq_columns "
        "where delivery_id = ?",
        [d["delivery_id"]],
    ):
        files.add(entity)
        if required or critical:
            present += loaded - nulls + invalid
            known += loaded + missing + invalid
        if required and (nulls or missing):
            incomplete.add(entity)
    assert headline["completeness_pct"].startswith(shown(100 * present / known))
    assert headline["files_complete_share"].startswith(
        f"{len(files) - len(incomplete)} of {len(files)} files fully complete"
    )
    assert 0 < len(incomplete) < len(files)  # some files are, some are not


def test_column_completeness_and_validity_equal_the_marts(target, reports):
    checked = 0
    for agency, path in reports.items():
        d = deliveries(target, agency)[-1]
        page = dom(path)
        if d["state"] not in LOADED:
            assert not page.find_all(id="completeness")
            continue
        rows = query(
            target,
            "select entity, column_name, is_required or is_indicator_critical, "
            "completeness_pct, validity_pct, values_out_of_range + rows_rejected_invalid "
            "+ rows_rejected_missing from marts.fct_dq_columns where delivery_id = ?",
            [d["delivery_id"]],
        )
        for entity, column, critical, completeness, validity, flagged in rows:
            found = page.find(id="completeness").find_all("div", data_entity=entity)
            cells = found[0].find_all("tr", data_column=column) if found else []
            if not (critical or flagged):
                assert not cells, (entity, column)
                continue
            (row,) = cells
            expected = shown(completeness) if critical else "optional"
            assert row.find("td", class_="~completeness").first_text() == expected
            assert row.find("td", class_="~validity").first_text() == shown(validity)
            checked += 1
    assert checked > 20


def test_uniqueness_and_consistency_equal_the_marts(target, tmp_path):
    """Every loaded delivery's report (not only the newest)."""
    broken_somewhere = 0
    for agency in contract.AGENCIES:
        for d in deliveries(target, agency):
            if d["state"] not in LOADED:
                continue
            path = dq_report.render_agency_report(target, agency, d["delivery_id"], tmp_path)
            page = dom(path)
            for entity, rows_in, loaded, rejected, duplicates in query(
                target,
                "select entity, rows_in, rows_loaded, rows_rejected, duplicate_ids "
                "from marts.fct_dq_uniqueness where delivery_id = ?",
                [d["delivery_id"]],
            ):
                row = page.find(id="uniqueness").find("tr", data_entity=entity)
                cells = [c.first_text() for c in row.find_all("td")]
                assert cells[:4] == [
                    f"{rows_in:,}",
                    f"{loaded:,}",
                    f"{rejected:,}",
                    f"{duplicates:,}",
                ]
            rules = query(
                target,
                "select entity, rule, breach_count, records_breaching "
                "from marts.fct_dq_consistency where delivery_id = ?",
                [d["delivery_id"]],
            )
            assert len(page.find(id="consistency").find_all("tr", class_="~rule")) == len(rules)
            for entity, rule, breaches, records in rules:
                row = page.find(id="consistency").find("tr", data_entity=entity, data_rule=rule)
                assert row.find("td", class_="~breaches").first_text() == f"{breaches:,}"
                assert row.find_all("td")[-1].text().startswith(f"{records:,} (")
            broken = sum(1 for r in rules if r[2])
            title = page.find(id="consistency-title").text()
            assert f"({broken} of {len(rules)} broken)" in title
            assert sum(r[2] for r in rules) == d["consistency_breaches"]
            broken_somewhere += broken
    assert broken_somewhere > 5


def test_rejected_rows_are_counted_by_file_column_and_problem(target, reports):
    d = deliveries(target, "police")[-1]
    raw = query(
        target,
        "select entity, column_name, rule, count(*), min(line) from raw.rejected_rows "
        "where delivery_id = ? group by 1, 2, 3",
        [d["delivery_id"]],
    )
    rows = dom(reports["police"]).find(id="rejected").find_all("tr", class_="~rejection")
    assert len(rows) == len(raw)
    for entity, _, rule, count, first_line in raw:
        matching = [
            r for r in rows if r.attrs["data-entity"] == entity and r.attrs["data-rule"] == rule
        ]
        assert any(
            r.find_all("td")[3].text() == f"{count:,}"
            and r.find("td", class_="~lines").text().startswith(str(first_line))
            for r in matching
        )


def test_a_quarantined_delivery_is_shown_as_such_with_its_reasons(target, reports):
    d = deliveries(target, "csc")[-1]
    assert d["state"] == "QUARANTINED"
    page = dom(reports["csc"])
    assert page.find(id="state").text() == "Quarantined"
    reasons = json.loads(
        query(
            target, "select reasons from raw.deliveries where delivery_id = ?", [d["delivery_id"]]
        )[0][0]
    )
    assert reasons
    rows = page.find(id="reasons").find_all("tr", class_="~reason")
    assert len(rows) == len(reasons)
    for reason, row in zip(reasons, rows, strict=True):
        assert row.find("td", class_="~file").text() == reason["file"]
        assert row.find("td", class_="~problem").text() == reason["message"]
    # nothing measured for it, and the delivery in use is named
    assert not page.find_all(id="completeness")
    in_use = [x for x in deliveries(target, "csc") if x["state"] in LOADED][-1]
    assert f"delivery {in_use['delivery_number']}" in page.find(id="headline").text()
    # the incomplete probation delivery lists the files it waits for
    probation = dom(reports["probation"])
    assert probation.find(id="state").text() == "Incomplete"
    missing = [
        r.find("td", class_="~file").text()
        for r in probation.find(id="reasons").find_all("tr", class_="~reason")
    ]
    assert sorted(missing) == sorted(
        f"probation__{e.name}__20261130.csv" for e in contract.entities("probation")
    )


def test_no_token_record_id_or_value_in_any_report(target, reports, tmp_path):
    paths = list(reports.values())
    for agency in contract.AGENCIES:  # every delivery's report, not only the newest
        for d in deliveries(target, agency)[:-1]:
            paths.append(dq_report.render_agency_report(target, agency, d["delivery_id"], tmp_path))
    with Warehouse(target) as wh:
        for path in paths:
            agency = path.name.split("_")[2]
            html = path.read_text(encoding="utf-8")
            assert not TOKEN.search(html), path.name
            ids = set()
            for e in contract.entities(agency):
                for c in e.columns:
                    if c.type in ("id", "token"):
                        ids.update(
                            v
                            for (v,) in wh.query(
                                f'select distinct "{c.name}" from {raw_table(agency, e.name)}'
                            )
                            if v and len(v) >= 4 and re.search("[A-Za-z]", v)
                        )
            ids.update(
                v for (v,) in wh.query("select distinct record_id from raw.rule_breaches") if v
            )
            assert len(ids) > 100
            words = set(re.findall(r"[A-Za-z0-9_-]{4,}", html))
            assert not (words & ids), (path.name, sorted(words & ids)[:5])
            # ingest's messages quote values and ids: none is reproduced
            for (message,) in wh.query(
                "select distinct message from raw.rejected_rows where message like 'value %'"
            ):
                assert message not in html


def test_the_dq_report_command_writes_the_same_reports(target, reports, tmp_path):
    """``neglect-warehouse dq-report``: every agency's newest delivery, or one delivery."""
    runner = CliRunner()
    done = runner.invoke(
        main, ["dq-report", "--warehouse", str(target.location), "--out", str(tmp_path)]
    )
    assert done.exit_code == 0, done.output
    assert done.output.split() == [str(tmp_path / p.name) for p in reports.values()]
    for path in reports.values():
        assert (tmp_path / path.name).read_bytes() == path.read_bytes()
    first = deliveries(target, "police")[0]
    one = tmp_path / "one"
    done = runner.invoke(
        main,
        ["dq-report", "--warehouse", str(target.location), "--out", str(one)]
        + ["--agency", "police", "--delivery", first["delivery_id"]],
    )
    assert done.exit_code == 0, done.output
    assert [p.name for p in one.iterdir()] == [
        f"dq_report_police_{first['extract_date']:%Y-%m-%d}_{first['delivery_id']}.html"
    ]
    done = runner.invoke(
        main, ["dq-report", "--warehouse", str(target.location), "--delivery", "x"]
    )
    assert done.exit_code == 2 and "--delivery needs --agency" in done.output
    done = runner.invoke(
        main,
        ["dq-report", "--warehouse", str(target.location), "--out", str(one)]
        + ["--agency", "police", "--delivery", "no-such-delivery"],
    )
    assert done.exit_code == 1 and "police has no delivery 'no-such-delivery'" in done.output


def test_data_docs_show_every_suite_and_the_current_deliveries_results(target, tmp_path):
    index = build_data_docs(target, tmp_path / "data_docs")
    assert index == tmp_path / "data_docs" / "index.html" and index.exists()
    html = index.read_text(encoding="utf-8")
    for agency in contract.AGENCIES:
        for e in contract.entities(agency):
            assert f"{agency}.{e.name}" in html
            assert (index.parent / "expectations" / agency / f"{e.name}.html").exists()
    current = dict(query(target, "select agency, delivery_id from raw.current_deliveries"))
    failed = 0
    for agency in contract.AGENCIES:
        for e in contract.entities(agency):
            (page,) = (index.parent / "validations" / agency / e.name).glob("*/*/*.html")
            assert current[agency] in page.parent.parent.name
            text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
            text = re.sub(r"\s+", " ", text)
            # the same unexpected counts as ingest recorded in raw.validation_results
            for column, n in query(
                target,
                "select column_name, unexpected_count from raw.validation_results "
                "where delivery_id = ? and entity = ? and unexpected_count > 0 "
                "and expectation = 'expect_column_values_to_be_in_set'",
                [current[agency], e.name],
            ):
                assert f"{n} unexpected value" in text, (agency, e.name, column)
                failed += 1
    assert failed > 0
    assert not any(TOKEN.search(p.read_text()) for p in index.parent.rglob("*.html"))
    # nothing changed: the site is left as it is (no GX, no page rewritten); a changed
    # suite or delivery (a different fingerprint) rebuilds it
    stamp = index.parent / ".fingerprint"
    page = next((index.parent / "validations").rglob("*.html"))
    before = page.stat().st_mtime_ns
    assert build_data_docs(target, index.parent) == index
    assert page.stat().st_mtime_ns == before
    stamp.write_text("another suite or delivery")
    assert build_data_docs(target, index.parent) == index
    assert stamp.read_text() != "another suite or delivery" and index.exists()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is installed by `make browser`")
def test_reports_render_in_chromium_without_errors_and_print(reports, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            problems = []
            page.on("console", lambda m: problems.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
            for agency, path in reports.items():
                page.goto(path.as_uri())
                assert page.locator("svg.spark").count() >= 1
                pdf = tmp_path / f"{agency}.pdf"
                page.emulate_media(media="print")
                page.pdf(path=str(pdf), prefer_css_page_size=True)
                assert pdf.stat().st_size > 10_000
            assert problems == []
        finally:
            browser.close()
