"""The bad-source corpus: each way an agency's system (or a council's own mapping) can be
wrong, with the message the extract must give and the proof that nothing was delivered (no
manifest, no file, no staging folder left in the landing).

Every case starts from the hand-built probation system (fixtures/probation_case_management.sql)
and breaks one thing with SQL."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest

from neglect_warehouse.agency import mapping as mappings
from neglect_warehouse.agency.extract import ExtractError, extract, write_report
from tests.sources.fixture_source import (
    FIXTURES,
    POSTGRES_URL,
    TEST_KEY,
    postgres_source_from_sql,
    source_from_sql,
)

SCRIPT = FIXTURES / "probation_case_management.sql"
EXTRACT_DATE = dt.date(2026, 10, 31)
MAPPING = mappings.load("probation", "case_management")

# (id, SQL that breaks the source, the kind, the words the message must hold, the column and
# the source key it must name)
CASES = [
    (
        "missing_table",
        "drop table contact",
        "missing_table",
        "the table contact is not in the source (read for home_visits)",
        "",
        "",
    ),
    (
        "missing_column",
        "alter table event drop column provider_name",
        "missing_column",
        "the table event has no column provider_name",
        "provider_name",
        "",
    ),
    (
        "untranslated_code",
        "update event set provider_name = 'Private Provider' where event_id = 'K2'",
        "untranslated_code",
        "event.provider_name: the code 'Private Provider' has no translation in provider",
        "provider",
        "K2",
    ),
    (
        "untranslated_flag",
        "alter table contact alter column neglect_concern_flag type varchar(5); "
        "update contact set neglect_concern_flag = 'maybe' where contact_id = 'V3'",
        "untranslated_code",
        "the code 'maybe' has no translation in flag",
        "neglect_concern",
        "V3",
    ),
    (
        "code_outside_the_contract",
        "update event set children_in_household_code = 'X' where event_id = 'K1'",
        "unknown_code",
        "'X' is not in the contract's list for cases.children_in_household (Y N U)",
        "children_in_household",
        "K1",
    ),
    (
        "yes_no_outside_the_contract",
        "update safeguarding_check set known_to_childrens_services = 'P' "
        "where check_request_id = 'Q1'",
        "unknown_code",
        "'P' is not in the contract's list for safeguarding_checks.csc_known",
        "csc_known",
        "Q1",
    ),
    (
        "null_required_code",
        "update safeguarding_check set request_stage_code = null where check_request_id = 'Q3'",
        "missing_required",
        "safeguarding_check.request_stage_code: null, but the contract requires "
        "safeguarding_checks.stage",
        "stage",
        "Q3",
    ),
    (
        "null_required_flag",
        "update contact set referred_to_csc_flag = null where contact_id = 'V1'",
        "missing_required",
        "null, but the contract requires home_visits.referred_to_csc",
        "referred_to_csc",
        "V1",
    ),
    (
        "null_required_date",
        "update event set referral_date = null where event_id = 'K1'",
        "missing_required",
        "event.referral_date: null, but the contract requires cases.start_date",
        "start_date",
        "K1",
    ),
    (
        "null_record_key",
        "update contact set contact_id = null where contact_id = 'V1'",
        "missing_required",
        "null, but the contract requires home_visits.visit_id",
        "visit_id",
        "(row 2 of the query)",
    ),
    (
        "null_date_of_birth",
        "update person set date_of_birth = null where crn = 'N2'",
        "missing_required",
        "person.date_of_birth: null, but the contract requires persons.date_of_birth",
        "date_of_birth",
        "N2",
    ),
    (
        "date_that_is_not_a_date",
        "alter table safeguarding_check alter column response_date type varchar(20); "
        "update safeguarding_check set response_date = '31/02/2026' where check_request_id = 'Q1'",
        "wrong_type",
        "'31/02/2026' is not a date (contract column safeguarding_checks.response_date)",
        "response_date",
        "Q1",
    ),
    (
        "impossible_date",
        "alter table safeguarding_check alter column response_date type varchar(20); "
        "update safeguarding_check set response_date = '2026-02-30' where check_request_id = 'Q1'",
        "wrong_type",
        "'2026-02-30' is not a date",
        "response_date",
        "Q1",
    ),
    (
        "identifier_with_a_space",
        "update contact set contact_id = 'V 3' where contact_id = 'V3'",
        "wrong_type",
        "'V 3' is not an identifier of 1–64 letters, digits, '_' or '-'",
        "visit_id",
        "V 3",
    ),
    (
        "birth_date_as_text",
        "alter table person alter column date_of_birth type varchar(20); "
        "update person set date_of_birth = 'unknown' where crn = 'N3'",
        "wrong_type",
        "is not a date (contract column persons.date_of_birth)",
        "date_of_birth",
        "N3",
    ),
]


def _duckdb_source(tmp_path: Path, breaking: str) -> str:
    url = source_from_sql(SCRIPT, tmp_path / "source.duckdb")
    import duckdb

    con = duckdb.connect(str(tmp_path / "source.duckdb"))
    con.execute(breaking)
    con.close()
    return url


def assert_nothing_delivered(landing: Path) -> None:
    folder = landing / "probation"
    left = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    assert left == [], f"the failed extract left {left} in the landing"


@pytest.mark.parametrize(
    ("breaking", "kind", "words", "column", "key"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_a_bad_source_is_named_and_nothing_is_delivered(
    tmp_path, breaking, kind, words, column, key
):
    url = _duckdb_source(tmp_path, breaking)
    landing = tmp_path / "landing"
    with pytest.raises(ExtractError) as caught:
        extract(url, MAPPING, EXTRACT_DATE, landing, TEST_KEY, "test")
    report = caught.value.report
    assert report.status == "failed: nothing delivered"
    named = [p for p in report.problems if p.kind == kind]
    assert named, report.summary()
    assert any(words in p.message for p in named), report.summary()
    assert any(p.column == column and p.source_key == key for p in named), named
    assert words in str(caught.value)  # the summary a data engineer reads
    assert_nothing_delivered(landing)
    # the report on disk names system, table, column and source key
    written = json.loads(write_report(report, tmp_path / "report.json").read_text())
    problem = next(p for p in written["problems"] if p["kind"] == kind)
    assert set(problem) >= {"entity", "tables", "column", "source_key", "message"}
    assert written["system"] == "case_management"


def test_every_problem_is_counted_not_only_the_first(tmp_path):
    url = _duckdb_source(
        tmp_path,
        "update event set provider_name = 'Private Provider'; "
        "update contact set referred_to_csc_flag = null",
    )
    with pytest.raises(ExtractError) as caught:
        extract(url, MAPPING, EXTRACT_DATE, tmp_path / "landing", TEST_KEY, "test")
    counts = caught.value.report.counts
    assert counts["cases.provider.untranslated_code"] == 4
    assert counts["home_visits.referred_to_csc.missing_required"] == 2


def test_an_identifier_value_is_never_copied_into_the_report(tmp_path):
    url = _duckdb_source(
        tmp_path,
        "alter table person alter column date_of_birth type varchar(20); "
        "update person set date_of_birth = '9434765919' where crn = 'N1'",
    )
    with pytest.raises(ExtractError) as caught:
        extract(url, MAPPING, EXTRACT_DATE, tmp_path / "landing", TEST_KEY, "test")
    text = json.dumps(caught.value.report.as_dict()) + str(caught.value)
    assert "9434765919" not in text


def test_a_query_that_returns_other_columns_is_named(tmp_path):
    text = (
        Path(mappings.__file__)
        .parent.joinpath("sources", "probation", "case_management.yml")
        .read_text()
    )
    broken = text.replace("e.provider_name as provider,", "e.provider_name,")
    path = tmp_path / "mine.yml"
    path.write_text(broken)
    url = _duckdb_source(tmp_path, "select 1")
    with pytest.raises(ExtractError) as caught:
        extract(url, mappings.load_file(path), EXTRACT_DATE, tmp_path / "l", TEST_KEY, "t")
    assert "the query for cases returned case_id, person_id, provider_name" in str(caught.value)
    assert_nothing_delivered(tmp_path / "l")


def test_a_query_the_source_refuses_is_named(tmp_path):
    text = (
        Path(mappings.__file__)
        .parent.joinpath("sources", "probation", "case_management.yml")
        .read_text()
    )
    path = tmp_path / "mine.yml"
    path.write_text(text.replace("from contact v", "from contacts v"))
    url = _duckdb_source(tmp_path, "select 1")
    with pytest.raises(ExtractError) as caught:
        extract(url, mappings.load_file(path), EXTRACT_DATE, tmp_path / "l", TEST_KEY, "t")
    assert "the query for home_visits failed" in str(caught.value)
    assert "contacts" in str(caught.value)
    assert_nothing_delivered(tmp_path / "l")


def test_an_unreachable_source_is_named(tmp_path):
    url = "postgresql+psycopg2://postgres@127.0.0.1:1/nothing"
    with pytest.raises(ExtractError) as caught:
        extract(url, MAPPING, EXTRACT_DATE, tmp_path / "l", TEST_KEY, "t")
    assert "case_management: cannot read the source" in str(caught.value)
    assert_nothing_delivered(tmp_path / "l")


def test_a_source_that_goes_away_mid_read_delivers_nothing(tmp_path):
    """PostgreSQL: the server ends the extract's session while it streams the second entity
    (as a restart or a failover would); the extract names the entity and delivers nothing."""
    import psycopg2
    from sqlalchemy import create_engine, event

    url = postgres_source_from_sql(SCRIPT, POSTGRES_URL, "bad_source_gone")
    engine = create_engine(url)
    seen = []

    @event.listens_for(engine, "after_cursor_execute")
    def end_session(conn, cursor, statement, parameters, context, executemany):
        if "from event e" in statement and "select e.event_id" in statement:
            seen.append(statement)
            pid = conn.connection.dbapi_connection.get_backend_pid()

            def terminate():
                admin = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="test")
                admin.autocommit = True
                admin.cursor().execute("select pg_terminate_backend(%s)", (pid,))
                admin.close()

            worker = threading.Thread(target=terminate)
            worker.start()
            worker.join()

    with pytest.raises(ExtractError) as caught:
        extract(engine, MAPPING, EXTRACT_DATE, tmp_path / "l", TEST_KEY, "t")
    assert seen
    message = str(caught.value)
    assert "the source went away while reading cases" in message
    assert_nothing_delivered(tmp_path / "l")


def test_a_mapping_that_misses_a_contract_column_is_refused(tmp_path):
    text = (
        Path(mappings.__file__)
        .parent.joinpath("sources", "probation", "case_management.yml")
        .read_text()
    )
    path = tmp_path / "mine.yml"
    path.write_text(
        text.replace(
            "      rosh_children: {from: event.rosh_children_level, translate: rosh}\n", ""
        )
    )
    mapping = mappings.load_file(path)
    assert mappings.problems(mapping) == ["cases: no source for the contract column rosh_children"]
    url = _duckdb_source(tmp_path, "select 1")
    with pytest.raises(ExtractError) as caught:
        extract(url, mapping, EXTRACT_DATE, tmp_path / "l", TEST_KEY, "t")
    assert "cases: no source for the contract column rosh_children" in str(caught.value)
    assert_nothing_delivered(tmp_path / "l")


def test_a_mapping_that_names_a_code_the_contract_does_not_know_is_refused(tmp_path):
    text = (
        Path(mappings.__file__)
        .parent.joinpath("sources", "probation", "case_management.yml")
        .read_text()
    )
    path = tmp_path / "mine.yml"
    path.write_text(text.replace("V: VERY_HIGH", "V: EXTREME"))
    found = mappings.problems(mappings.load_file(path))
    assert found == [
        "cases.rosh_children: translation rosh turns 'V' into 'EXTREME', which the contract "
        "does not know (allowed: LOW MEDIUM HIGH VERY_HIGH)"
    ]


def test_a_table_the_login_may_not_read_is_named(tmp_path):
    """PostgreSQL: the extract's read-only login was not granted one of the tables."""
    import psycopg2
    from sqlalchemy.engine import make_url

    url = postgres_source_from_sql(SCRIPT, POSTGRES_URL, "bad_source_grants")
    admin = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="test")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(
            "do $$ begin if not exists (select from pg_roles where rolname = 'extract_reader')"
            " then create role extract_reader login; end if; end $$"
        )
        cur.execute("grant usage on schema bad_source_grants to extract_reader")
        cur.execute("grant select on all tables in schema bad_source_grants to extract_reader")
        cur.execute("revoke select on bad_source_grants.contact from extract_reader")
    admin.close()
    reader = make_url(url).set(username="extract_reader").render_as_string(hide_password=False)
    with pytest.raises(ExtractError) as caught:
        extract(reader, MAPPING, EXTRACT_DATE, tmp_path / "l", TEST_KEY, "t")
    assert "case_management: the login cannot read the table contact: permission denied" in str(
        caught.value
    )
    assert_nothing_delivered(tmp_path / "l")
