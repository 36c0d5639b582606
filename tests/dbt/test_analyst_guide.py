"""The analyst guide's questions (docs/analyst-guide.md), run as an analyst runs them: on the
tiny partnership with defects built on DuckDB and on PostgreSQL, through the marts-only DuckDB
copy opened as analysts open it and as a PostgreSQL login in group ``analyst``. Each query reads
schema marts only, returns rows, and gives the same rows on both engines; for several
questions the answer is checked against facts worked out here from the mart rows it should be
made of."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import psycopg2
import pytest

from neglect_warehouse.partnership import access, analyst_copy
from tests.dbt.test_indicators import last_month_end_on_or_before, month_end, months_back
from tests.postgres import ADMIN, as_role

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "analyst-guide.md"


def guide_questions() -> dict[str, str]:
    """Question heading (### …) → the SQL under it, in the guide's order."""
    questions = {}
    for section in re.split(r"^### ", GUIDE.read_text(), flags=re.M)[1:]:
        heading, _, body = section.partition("\n")
        blocks = re.findall(r"```sql\n(.*?)```", body, flags=re.S)
        assert len(blocks) <= 1, f"one query per question: {heading}"
        if blocks:
            questions[heading.strip()] = blocks[0]
    return questions


QUESTIONS = guide_questions()
IDS = [f"Q{heading.split('.')[0]}" for heading in QUESTIONS]


def question(words: str) -> str:
    """The SQL of the one question whose heading contains ``words``."""
    matches = [sql for heading, sql in QUESTIONS.items() if words in heading]
    assert len(matches) == 1, (words, list(QUESTIONS))
    return matches[0]


FROM_LIST_ENDS = (
    r"\b(?:where|group|order|limit|union|having|window|inner|left|right|full|cross|join|on"
    r"|using|select)\b|\)|;"
)


def tables_read(sql: str) -> set[str]:
    """The tables a query reads: its FROM (comma lists too) and JOIN targets that are not its
    own CTEs. Subqueries are read where they stand."""
    text = re.sub(r"--[^\n]*", " ", sql)
    text = re.sub(r"'(?:[^']|'')*'", "''", text)
    text = re.sub(r"\bextract\s*\(\s*\w+\s+from\b", "extract(", text, flags=re.I)
    ctes = {c.lower() for c in re.findall(r"(?:\bwith|,)\s+(\w+)\s+as\s*\(", text, re.I)}
    targets = re.findall(r"\bjoin\s+([^\s(]+)", text, flags=re.I)
    for start in re.finditer(r"\bfrom\b", text, flags=re.I):
        rest = text[start.end() :]
        end = re.search(FROM_LIST_ENDS, rest, flags=re.I)
        for item in rest[: end.start() if end else len(rest)].split(","):
            words = item.split()
            if words and not words[0].startswith("("):
                targets.append(words[0])
    return {t.lower() for t in targets} - ctes


@pytest.fixture(scope="module")
def analysts(warehouses, tmp_path_factory):
    """Where an analyst connects: the marts-only copy of the DuckDB warehouse, and a login in
    group analyst on the PostgreSQL warehouse (named for this run, dropped afterwards)."""
    copy, _ = analyst_copy.write(
        warehouses["duckdb"].location, tmp_path_factory.mktemp("analyst") / analyst_copy.NAME
    )
    admin_url = f"{ADMIN}/{access.database_of(warehouses['postgres'].location)}"
    login = f"t{uuid.uuid4().hex[:8]}_guide"
    access.add_user(admin_url, login, access.ANALYST)
    try:
        yield {"duckdb": str(copy), "postgres": as_role(admin_url, login)}
    finally:
        with psycopg2.connect(f"{ADMIN}/postgres") as admin, admin.cursor() as cur:
            cur.execute(f"drop role if exists {login}")


def run(analysts: dict[str, str], kind: str, sql: str) -> tuple[list[str], list[tuple]]:
    """Column names and rows of ``sql`` on ``kind``'s warehouse, connected as an analyst."""
    if kind == "duckdb":
        con = analyst_copy.connect(analysts["duckdb"])
        try:
            cursor = con.execute(sql)
            return [d[0] for d in cursor.description], cursor.fetchall()
        finally:
            con.close()
    con = psycopg2.connect(analysts["postgres"])
    try:
        con.set_session(readonly=True)
        with con.cursor() as cursor:
            cursor.execute(sql)
            return [d[0] for d in cursor.description], cursor.fetchall()
    finally:
        con.close()


def records(analysts: dict[str, str], sql: str) -> list[dict]:
    """The rows of ``sql`` on DuckDB, as dicts (both engines agree: tested below)."""
    names, rows = run(analysts, "duckdb", sql)
    return [dict(zip(names, row, strict=True)) for row in rows]


def normalised(rows: list[tuple]) -> list[tuple]:
    """Numbers as int when whole, else rounded to 6 places (PostgreSQL gives sums of bigints
    as numeric, DuckDB as integers), sorted."""

    def cell(v):
        if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
            f = round(float(v), 6)
            return int(f) if f.is_integer() else f
        return v

    return sorted((tuple(cell(v) for v in row) for row in rows), key=repr)


def test_the_guide_has_at_least_ten_questions_each_with_one_query():
    assert len(QUESTIONS) >= 10
    assert GUIDE.read_text().count("```sql") == len(QUESTIONS)


@pytest.mark.parametrize("heading", list(QUESTIONS), ids=IDS)
def test_question_reads_marts_only(heading):
    read = tables_read(QUESTIONS[heading])
    assert read, heading
    assert all(t.startswith("marts.") for t in read), (heading, read)


def test_the_table_parser_sees_through_ctes_and_finds_other_schemas():
    sql = (
        "with a as (select 1 from marts.x), b as (select * from a join raw.y on true) "
        "select extract(year from d) from b, staging.z as z where s = 'from raw.q' "
        "and exists (select 1 from (select 2 from intermediate.w) as q)"
    )
    assert tables_read(sql) == {"marts.x", "raw.y", "staging.z", "intermediate.w"}


@pytest.mark.parametrize("heading", list(QUESTIONS), ids=IDS)
def test_question_answers_the_same_on_duckdb_and_postgres(analysts, heading):
    sql = QUESTIONS[heading]
    duck_names, duck = run(analysts, "duckdb", sql)
    pg_names, pg = run(analysts, "postgres", sql)
    assert len(duck) > 0, heading
    assert duck_names == pg_names
    assert normalised(duck) == normalised(pg), heading


def test_an_analyst_reads_the_marts_and_nothing_else(analysts):
    for kind in ("duckdb", "postgres"):
        assert run(analysts, kind, "select count(*) from marts.dim_indicator")[1] == [(33,)]
        with pytest.raises(Exception, match="(?i)raw|does not exist|permission denied"):
            run(analysts, kind, "select count(*) from raw.deliveries")


def test_the_readme_queries_run_on_postgres_too(analysts):
    readme = (ROOT / "README.md").read_text()
    queries = re.findall(r"```sql\n(.*?)```", readme, flags=re.S)
    assert queries
    for sql in queries:
        assert all(t.startswith("marts.") for t in tables_read(sql)), sql
        _, rows = run(analysts, "postgres", sql)
        assert rows, sql


# Facts worked out from the mart rows themselves (DuckDB; both engines agree, above).

VALUES = (
    "select indicator_id, period_end, area_code, numerator, denominator, value, lower_95, "
    "upper_95, comparator_value, target_value, target_status, polarity, excluded_records "
    "from marts.fct_indicator_values"
)


@pytest.fixture(scope="module")
def values(analysts) -> list[dict]:
    return records(analysts, VALUES)


@pytest.fixture(scope="module")
def latest(values) -> dict[str, dt.date]:
    newest: dict[str, dt.date] = {}
    for v in values:
        newest[v["indicator_id"]] = max(
            newest.get(v["indicator_id"], v["period_end"]), v["period_end"]
        )
    return newest


def test_not_meeting_target_is_every_not_met_row_of_each_indicators_latest_month(
    analysts, values, latest
):
    answer = records(analysts, question("not meeting their target"))
    expected = {
        (v["indicator_id"], v["period_end"], v["area_code"])
        for v in values
        if v["target_status"] == "NOT_MET" and v["period_end"] == latest[v["indicator_id"]]
    }
    assert expected
    assert [(r["indicator_id"], r["period_end"], r["area_code"]) for r in answer] == sorted(
        expected, key=lambda k: (k[0], k[2] != "ALL", k[2])
    )
    for r in answer:
        target = r["target_value"]
        assert r["value"] < target if r["polarity"] == "H" else r["value"] > target


def test_trend_is_the_24_consecutive_months_up_to_the_latest(analysts, values, latest):
    answer = records(analysts, question("last 24 months"))
    newest = latest["F01"]
    assert [r["period_end"] for r in answer] == [
        months_back(month_end(newest.year, newest.month), n) for n in range(23, -1, -1)
    ]
    f01 = {
        v["period_end"]: v for v in values if v["indicator_id"] == "F01" and v["area_code"] == "ALL"
    }
    for r in answer:
        v = f01[r["period_end"]]
        assert (r["numerator"], r["denominator"]) == (v["numerator"], v["denominator"])
        assert float(r["value"]) == pytest.approx(v["value"], abs=0.05)


def test_localities_differing_from_the_partnership(analysts, values, latest):
    answer = records(analysts, question("differ significantly from the partnership"))
    now = {
        (v["indicator_id"], v["area_code"]): v
        for v in values
        if v["period_end"] == latest[v["indicator_id"]] and v["value"] is not None
    }
    expected = {}
    for (indicator, area), v in now.items():
        whole = now.get((indicator, "ALL"))
        if area == "ALL" or whole is None:
            continue
        p = round(whole["value"], 6)
        if p < round(v["lower_95"], 6) or p > round(v["upper_95"], 6):
            higher = p < round(v["lower_95"], 6)
            good = {"H": higher, "L": not higher}.get(v["polarity"])
            word = (
                ("HIGHER" if higher else "LOWER")
                if good is None
                else ("BETTER" if good else "WORSE")
            )
            expected[(indicator, area)] = word
    assert expected
    assert {(r["indicator_id"], r["area_code"]): r["locality_is"] for r in answer} == expected


def test_worse_since_last_month_by_polarity(analysts, values, latest):
    answer = records(analysts, question("got worse since the month before"))
    partnership = {
        (v["indicator_id"], v["period_end"]): v["value"] for v in values if v["area_code"] == "ALL"
    }
    expected = set()
    for indicator, newest in latest.items():
        before = max((p for i, p in partnership if i == indicator and p < newest), default=None)
        polarity = next(v["polarity"] for v in values if v["indicator_id"] == indicator)
        now, then = partnership[(indicator, newest)], partnership.get((indicator, before))
        if before is None or now is None or then is None:
            continue
        if (polarity == "L" and round(now, 6) > round(then, 6)) or (
            polarity == "H" and round(now, 6) < round(then, 6)
        ):
            expected.add(indicator)
    assert expected
    assert {r["indicator_id"] for r in answer} == expected


def test_children_on_a_cp_plan_are_counted_alike_by_f07_and_f08(analysts):
    answer = records(analysts, question("child protection plan"))
    areas = [a for (a,) in run(analysts, "duckdb", "select area_code from marts.dim_area")[1]]
    assert sorted(r["area_code"] for r in answer) == sorted(areas)
    for r in answer:
        assert r["children_on_cp_plan"] == r["children_on_cp_plan_f07"]
        assert r["neglect_category"] <= r["children_on_cp_plan"]


def test_excluded_records_are_the_partnership_rows_with_exclusions(analysts, values, latest):
    answer = records(analysts, question("could each indicator not use"))
    expected = {
        v["indicator_id"]: v
        for v in values
        if v["area_code"] == "ALL"
        and v["period_end"] == latest[v["indicator_id"]]
        and v["excluded_records"] > 0
    }
    assert expected
    assert sorted(r["indicator_id"] for r in answer) == sorted(expected)
    for r in answer:
        v = expected[r["indicator_id"]]
        counted = v["numerator"] if r["indicator_id"] == "F08" else v["denominator"]
        share = 100 * v["excluded_records"] / (counted + v["excluded_records"])
        assert float(r["excluded_pct"]) == pytest.approx(share, abs=0.05)


def test_h03_is_compared_with_h03a_of_the_same_month(analysts, values):
    answer = records(analysts, question("was not brought"))
    h03a = {v["period_end"]: v["value"] for v in values if v["indicator_id"] == "H03A"}
    assert len(answer) == 12
    for r in answer:
        assert float(r["h03a_all_children"]) == pytest.approx(h03a[r["period_end"]], abs=0.05)


def test_newest_delivery_of_each_agency_and_the_current_one(analysts):
    answer = records(analysts, question("newest delivery"))
    deliveries = records(
        analysts,
        "select agency, delivery_number, extract_date, is_current from marts.fct_dq_deliveries",
    )
    by_agency = defaultdict(list)
    for d in deliveries:
        by_agency[d["agency"]].append(d)
    assert sorted(r["agency"] for r in answer) == sorted(by_agency)
    for r in answer:
        mine = by_agency[r["agency"]]
        assert r["delivery_number"] == max(d["delivery_number"] for d in mine)
        assert [r["current_extract_date"]] == [d["extract_date"] for d in mine if d["is_current"]]
    # the tiny partnership has a quarantined newest delivery: the current one is older
    assert any(r["state"] == "QUARANTINED" and not r["is_current"] for r in answer)


def test_breaches_of_current_data_add_up_to_the_deliveries_totals(analysts):
    answer = records(analysts, question("consistency rules"))
    totals = dict(
        run(
            analysts,
            "duckdb",
            "select agency, consistency_breaches from marts.fct_dq_deliveries where is_current",
        )[1]
    )
    summed = defaultdict(int)
    for r in answer:
        summed[r["agency"]] += r["breach_count"]
    assert dict(summed) == {a: n for a, n in totals.items() if n}


def test_each_indicator_waits_for_the_oldest_current_extract_of_its_agencies(analysts):
    answer = records(analysts, question("data does each indicator wait for"))
    oldest = defaultdict(list)
    for r in answer:
        oldest[r["indicator_id"]].append(r)
    assert len(oldest) == 33
    for rows in oldest.values():
        assert sorted(r["agency"] for r in rows) == sorted(rows[0]["agencies"].split(";"))
        reach = min(r["current_extract_date"] for r in rows)
        assert all(r["latest_period"] == last_month_end_on_or_before(reach) for r in rows)


def test_linkage_percentages_are_the_counts(analysts):
    answer = records(analysts, question("link to children"))
    loaded = dict(
        run(
            analysts,
            "duckdb",
            "select agency, persons_loaded from marts.fct_dq_deliveries where is_current",
        )[1]
    )
    assert sorted(r["agency"] for r in answer) == sorted(loaded)
    for r in answer:
        assert r["persons"] == loaded[r["agency"]]
        assert r["pct_linked_to_csc_child"] == pytest.approx(
            round(100 * r["linked_to_csc_child"] / r["persons"], 1)
        )
        assert (
            r["with_person_token"]
            + r["alternative_token_only"]
            + r["ambiguous"]
            + r["without_token"]
            == r["persons"]
        )
