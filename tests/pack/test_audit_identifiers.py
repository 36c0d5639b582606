"""The publish audit's identifier search judges what a reader sees (pack/reader_text.py): record
identifiers — short codes such as A13, digits-only ids such as 1234567, P0001 — and tokens
planted in each place a reader sees fail the audit; the same values present only as cell
references, chart coordinates or counts do not."""

from __future__ import annotations

import shutil

import pytest

from neglect_warehouse.partnership.pack.board_report import print_pdf
from neglect_warehouse.partnership.pack.content import latest_period, load
from neglect_warehouse.partnership.pack.publish import identifier_problems, write_pack
from neglect_warehouse.partnership.warehouse import Target, Warehouse

IDS = {"assessment": "A13", "appointment": "1234567", "police person": "P0001"}


@pytest.fixture(scope="module")
def planted(warehouse, tmp_path_factory) -> tuple[Target, str]:
    """A copy of the tiny warehouse whose raw layer holds the three ids (and its tokens)."""
    copy = tmp_path_factory.mktemp("planted") / "warehouse.duckdb"  # its views name the file
    shutil.copy(warehouse.location, copy)
    target = Target.parse(copy)
    with Warehouse(target) as wh:
        for table, column, value in (
            ("raw.csc__assessments", "assessment_id", IDS["assessment"]),
            ("raw.health__appointments", "appointment_id", IDS["appointment"]),
            ("raw.police__persons", "person_id", IDS["police person"]),
        ):
            wh.execute(
                f"update {table} set {column} = ? where {column} = "
                f"(select min({column}) from {table})",
                [value],
            )
        token = wh.query("select min(person_token) from raw.csc__persons")[0][0]
    return target, token


def pack_files(target: Target, folder, change=None):
    pack = load(target, latest_period(target))
    if change:
        change(pack)
    return pack, write_pack(pack, folder)


def findings(target, pack, files) -> list[str]:
    return identifier_problems(pack, files, target)


def test_a_clean_pack_has_no_finding_though_a13_is_a_cell_reference(planted, tmp_path):
    target, _ = planted
    pack, files = pack_files(target, tmp_path)
    from openpyxl import load_workbook

    assert load_workbook(files["workbook"])["Summary"]["A13"].value is not None
    assert findings(target, pack, files) == []


def test_ids_as_counts_and_chart_coordinates_are_not_findings(planted, tmp_path):
    target, _ = planted

    def counts_equal_to_ids(pack):
        v = pack.values
        latest = v.index[(v.area_code == "ALL") & (v.period_end == pack.period_end)]
        v.loc[latest[0], "numerator_shown"] = IDS["appointment"]  # CSV and workbook count
        v.loc[latest[1], "denominator_shown"] = "13"
        v.loc[latest[2], "value_shown"] = IDS["appointment"]  # the report's value cells

    pack, files = pack_files(target, tmp_path, counts_equal_to_ids)
    html = files["report"].read_text()
    svg = f'<svg viewBox="0 0 10 10"><path d="M {IDS["appointment"]} 13 L 1 1"/></svg>'
    files["report"].write_text(html.replace("</body>", f"{svg}</body>"))
    assert findings(target, pack, files) == []


def plant_title(word):
    def change(pack):
        i = pack.indicators.index[pack.indicators.indicator_id == "S04"][0]
        pack.indicators.loc[i, "title"] = f"{pack.indicators.loc[i, 'title']} {word}"

    return change


def plant_note(word):
    def change(pack):
        pack.indicators["caveats"] = f"Checked against record {word}."

    return change


def plant_area_name(word):
    def change(pack):
        pack.areas.loc[pack.areas.area_code != "ALL", "area_name"] = f"{word} area"

    return change


ALL_IDS = " ".join(IDS.values())  # each place gets all three, and each is found there


@pytest.mark.parametrize(
    ("place", "plant", "where"),
    [
        ("title", plant_title, "values.csv line"),
        ("note", plant_note, ".xlsx Definitions!"),
        ("area name", plant_area_name, ".xlsx "),
    ],
)
def test_an_id_in_a_title_note_or_area_name_fails(planted, tmp_path, place, plant, where):
    target, _ = planted
    pack, files = pack_files(target, tmp_path, plant(ALL_IDS))
    problems = findings(target, pack, files)
    for word in IDS.values():
        assert any(repr(word) in p and where in p for p in problems), (word, problems)
        if place == "title":  # in every file that shows titles, the PDF included
            for kind_of_file in (".html", ".pdf page", ".xlsx"):
                assert any(repr(word) in p and kind_of_file in p for p in problems), kind_of_file


def test_an_id_in_a_workbook_comment_fails(planted, tmp_path):
    from openpyxl import load_workbook
    from openpyxl.comments import Comment

    target, _ = planted
    pack, files = pack_files(target, tmp_path)
    wb = load_workbook(files["workbook"])
    for row, word in enumerate(IDS.values(), start=5):
        wb["Summary"][f"B{row}"].comment = Comment(f"see {word}", "an analyst")
    wb.save(files["workbook"])
    problems = findings(target, pack, files)
    for row, word in enumerate(IDS.values(), start=5):
        assert any(repr(word) in p and f"Summary!B{row} comment" in p for p in problems), problems


def test_an_id_in_the_report_text_or_only_in_the_pdf_fails(planted, tmp_path):
    target, _ = planted
    pack, files = pack_files(target, tmp_path)
    html = files["report"].read_text()
    planted_html = html.replace("</body>", f"<p>Cases {ALL_IDS} were reviewed.</p></body>")
    # the PDF printed from the planted report, the HTML left clean: found in the PDF alone
    other = tmp_path / "planted.html"
    other.write_text(planted_html)
    print_pdf(other, files["pdf"])
    problems = findings(target, pack, files)
    for word in IDS.values():
        assert any(repr(word) in p and ".pdf page" in p for p in problems), problems
    assert not any(".html" in p for p in problems)
    files["report"].write_text(planted_html)
    problems = findings(target, pack, files)
    for word in IDS.values():
        assert any(repr(word) in p and ".html <p>" in p for p in problems), problems


def test_an_id_in_a_text_alternative_fails(planted, tmp_path):
    target, _ = planted
    pack, files = pack_files(target, tmp_path)
    html = files["report"].read_text()
    files["report"].write_text(
        html.replace("<svg ", f'<svg aria-label="child {IDS["assessment"]}" ', 1)
    )
    problems = findings(target, pack, files)
    assert any("'A13'" in p and "aria-label" in p for p in problems), problems


def test_a_token_in_a_title_fails(planted, tmp_path):
    target, token = planted
    pack, files = pack_files(target, tmp_path, plant_title(token))
    problems = findings(target, pack, files)
    assert any("32-hex" in p and "values.csv" in p for p in problems), problems
    assert any(repr(token) in p for p in problems)  # and it is a token of the warehouse
