"""The bad-input corpus: each case breaks one delivery in one way, as agencies' exports really
go wrong, and states the delivery's expected end state and what the report must say.

For every quarantined case, the raw layer is unchanged (nothing half-loaded)."""

from __future__ import annotations

import json

import pytest

from neglect_warehouse.partnership.warehouse import Warehouse
from tests.ingest.conftest import SECOND

QUARANTINED, WARNINGS, LOADED = "QUARANTINED", "LOADED_WITH_WARNINGS", "LOADED"


def set_cell(rows, row, column, value):
    rows[row][rows[0].index(column)] = value
    return rows


def mutate(case, agency, entity, fn, refresh=True):
    rows = case.read(agency, entity)
    case.write(agency, entity, fn(rows), refresh)


# (id, agency, how to break it, expected state, expected rule, text in the message)
def _wrong_encoding(c):
    data = c.path("police", "incidents").read_bytes().replace(b"L01", b"L\xe901", 1)
    c.write_text("police", "incidents", data)


def _bom(c):
    c.write_text("police", "flags", b"\xef\xbb\xbf" + c.path("police", "flags").read_bytes())


def _crlf(c):
    c.write_text("police", "flags", c.path("police", "flags").read_bytes().replace(b"\n", b"\r\n"))


def _semicolons(c):
    text = c.path("police", "flags").read_text().replace(",", ";")
    c.write_text("police", "flags", text)


def _short_row(c):
    mutate(c, "police", "incidents", lambda r: r[:5] + [r[5][:3]] + r[6:])


def _long_row(c):
    mutate(c, "police", "incidents", lambda r: r[:5] + [r[5] + ["EXTRA"]] + r[6:])


def _unclosed_quote(c):
    lines = c.path("police", "incidents").read_text().split("\n")
    lines[10] = '"' + lines[10]
    c.write_text("police", "incidents", "\n".join(lines), rows=len(lines) - 2)


def _embedded_newline(c):
    rows = c.read("police", "child_notifications")
    set_cell(rows, 3, "risk_grade", "MEDI\nUM")
    set_cell(rows, 20, "notification_datetime", "not a date")
    c.write("police", "child_notifications", rows)


def _header_only(c):
    mutate(c, "police", "strategy_discussions", lambda r: r[:1])


def _empty_file(c):
    c.write_text("police", "flags", b"")


def _missing_column(c):
    mutate(c, "police", "flags", lambda r: [row[:-1] for row in r])


def _extra_column(c):
    mutate(c, "police", "flags", lambda r: [r[0] + ["comment"]] + [row + ["x"] for row in r[1:]])


def _renamed_column(c):
    mutate(
        c,
        "police",
        "flags",
        lambda r: [[("flagtype" if h == "flag_type" else h) for h in r[0]]] + r[1:],
    )


def _duplicated_column(c):
    mutate(c, "police", "flags", lambda r: [r[0] + [r[0][1]]] + [row + [row[1]] for row in r[1:]])


def _date_dd_mm_yyyy(c):
    mutate(c, "police", "flags", lambda r: set_cell(r, 2, "start_date", "31/03/2026"))


def _date_excel_serial(c):
    mutate(c, "police", "flags", lambda r: set_cell(r, 2, "start_date", "46112"))


def _all_dates_wrong(c):
    def f(rows):
        i = rows[0].index("start_date")
        for row in rows[1:]:
            y, m, d = row[i].split("-")
            row[i] = f"{d}/{m}/{y}"
        return rows

    mutate(c, "police", "flags", f)


def _invalid_code(c):
    mutate(c, "police", "incidents", lambda r: set_cell(r, 4, "incident_type", "BURGLARY"))


def _duplicate_id(c):
    mutate(c, "police", "incidents", lambda r: r + [r[7]])


def _dangling_person(c):
    mutate(c, "police", "flags", lambda r: set_cell(r, 1, "person_id", "PN999999999"))


def _dangling_contact(c):
    # a referral whose contact was not delivered: a breach by indicators.md §1 (spec 1.3)
    mutate(c, "csc", "referrals", lambda r: set_cell(r, 1, "contact_id", "C999999999"))


def _nhs_number(c):
    mutate(c, "police", "flags", lambda r: set_cell(r, 3, "flag_id", "9434765919"))


def _nhs_number_spaced(c):
    mutate(c, "police", "incidents", lambda r: set_cell(r, 3, "locality_code", "943 476 5919"))


def _postcode(c):
    mutate(c, "police", "incidents", lambda r: set_cell(r, 5, "locality_code", "SW1A 1AA"))


def _name_column(c):
    mutate(
        c, "police", "persons", lambda r: [r[0] + ["surname"]] + [row + ["SMITH"] for row in r[1:]]
    )


def _dob_column(c):
    mutate(
        c,
        "police",
        "persons",
        lambda r: [r[0] + ["date_of_birth"]] + [row + ["2015-03-07"] for row in r[1:]],
    )


def _row_count_mismatch(c):
    manifest = json.loads(c.manifest("police").read_text())
    manifest["files"][1]["rows"] += 1
    c.manifest("police").write_text(json.dumps(manifest))


def _sha_mismatch(c):
    mutate(
        c, "police", "flags", lambda r: set_cell(r, 1, "start_date", "2020-01-01"), refresh=False
    )


def _missing_file(c):
    c.path("police", "flags").unlink()


def _file_not_in_manifest(c):
    (c.landing / "police" / f"police__notes__{SECOND}.csv").write_text("a,b\n1,2\n")


def _truncated(c):
    data = c.path("police", "incidents").read_bytes()
    c.path("police", "incidents").write_bytes(data[: len(data) // 2])


def _very_long_field(c):
    mutate(c, "police", "flags", lambda r: set_cell(r, 2, "flag_id", "F" * 100_000))


def _future_date(c):
    mutate(c, "police", "flags", lambda r: set_cell(r, 2, "start_date", "2027-01-15"))


def _bad_token(c):
    def f(rows):
        i = rows[0].index("person_alt_token")
        row = next(r for r in rows[1:] if r[i])
        row[i] = row[i].upper()
        return rows

    mutate(c, "police", "persons", f)


def _missing_required(c):
    mutate(c, "police", "incidents", lambda r: set_cell(r, 2, "children_present", ""))


def _no_token(c):
    def f(rows):
        rows[1][rows[0].index("person_token")] = ""
        rows[1][rows[0].index("person_alt_token")] = ""
        return rows

    mutate(c, "police", "persons", f)


def _bad_manifest(c):
    c.manifest("police").write_text("{not json")


def _cp_plan_ends_before_start(c):
    def f(rows):
        e = rows[0].index("end_date")
        row = next(r for r in rows[1:] if r[e])
        row[e] = "2000-01-01"
        return rows

    mutate(c, "csc", "cp_plans", f)


def _response_before_request(c):
    def f(rows):
        i = rows[0].index("response_date")
        row = next(r for r in rows[1:] if r[i])
        row[i] = "2000-01-01"
        return rows

    mutate(c, "probation", "safeguarding_checks", f)


def _factor_21_not_alone(c):
    def f(rows):
        i = rows[0].index("factors")
        row = next(r for r in rows[1:] if r[i])
        row[i] = "21;16A"
        return rows

    mutate(c, "csc", "assessments", f)


CASES = [
    ("wrong_encoding", "police", _wrong_encoding, QUARANTINED, "encoding", "not UTF-8"),
    ("bom", "police", _bom, LOADED, None, None),
    ("crlf_line_ends", "police", _crlf, LOADED, None, None),
    ("wrong_delimiter", "police", _semicolons, QUARANTINED, "delimiter", "not by commas"),
    ("ragged_short_row", "police", _short_row, WARNINGS, "malformed_row", "missing columns"),
    ("ragged_long_row", "police", _long_row, WARNINGS, "malformed_row", "too many columns"),
    ("unclosed_quote", "police", _unclosed_quote, QUARANTINED, "row_count_mismatch", "data rows"),
    ("embedded_newline", "police", _embedded_newline, WARNINGS, "bad_datetime", "not a date"),
    ("header_only", "police", _header_only, LOADED, None, None),
    ("empty_file", "police", _empty_file, QUARANTINED, "empty_file", "empty"),
    (
        "missing_column",
        "police",
        _missing_column,
        QUARANTINED,
        "schema_drift_missing_column",
        "end_date",
    ),
    ("extra_column", "police", _extra_column, QUARANTINED, "schema_drift_extra_column", "comment"),
    (
        "renamed_column",
        "police",
        _renamed_column,
        QUARANTINED,
        "schema_drift_missing_column",
        "flag_type",
    ),
    (
        "duplicated_column",
        "police",
        _duplicated_column,
        QUARANTINED,
        "schema_drift_repeated_column",
        "person_id",
    ),
    ("date_as_dd_mm_yyyy", "police", _date_dd_mm_yyyy, WARNINGS, "bad_date", "31/03/2026"),
    ("date_as_excel_serial", "police", _date_excel_serial, WARNINGS, "bad_date", "46112"),
    (
        "every_date_wrong",
        "police",
        _all_dates_wrong,
        QUARANTINED,
        "too_many_rejected_rows",
        "more than 5%",
    ),
    (
        "invalid_code",
        "police",
        _invalid_code,
        WARNINGS,
        "expect_column_values_to_be_in_set",
        "BURGLARY",
    ),
    ("duplicate_id", "police", _duplicate_id, WARNINGS, "repeated_id", "repeats"),
    ("dangling_person_id", "police", _dangling_person, LOADED, "reference_resolves", "PN999999999"),
    ("dangling_contact_id", "csc", _dangling_contact, LOADED, "reference_resolves", "C999999999"),
    ("nhs_number_in_column", "police", _nhs_number, QUARANTINED, "identifier_breach", "NHS number"),
    (
        "nhs_number_with_spaces",
        "police",
        _nhs_number_spaced,
        QUARANTINED,
        "identifier_breach",
        "NHS number",
    ),
    ("postcode_in_column", "police", _postcode, QUARANTINED, "identifier_breach", "postcode"),
    ("name_column", "police", _name_column, QUARANTINED, "identifier_breach", "surname"),
    (
        "date_of_birth_column",
        "police",
        _dob_column,
        QUARANTINED,
        "identifier_breach",
        "date_of_birth",
    ),
    (
        "manifest_row_count_mismatch",
        "police",
        _row_count_mismatch,
        QUARANTINED,
        "row_count_mismatch",
        "manifest says",
    ),
    ("manifest_sha256_mismatch", "police", _sha_mismatch, QUARANTINED, "sha256_mismatch", "sha256"),
    ("missing_file", "police", _missing_file, "INCOMPLETE", "missing_file", "not arrived"),
    (
        "file_not_in_manifest",
        "police",
        _file_not_in_manifest,
        QUARANTINED,
        "file_not_in_manifest",
        "not listed",
    ),
    ("truncated_file", "police", _truncated, QUARANTINED, "sha256_mismatch", "truncated"),
    ("very_long_field", "police", _very_long_field, WARNINGS, "bad_id", "not an identifier"),
    ("future_date", "police", _future_date, LOADED, "no_future_date", "after the extract"),
    ("malformed_token", "police", _bad_token, WARNINGS, "bad_token", "32 lowercase hex"),
    (
        "missing_required_value",
        "police",
        _missing_required,
        WARNINGS,
        "missing_required_value",
        "required",
    ),
    ("persons_row_without_token", "police", _no_token, WARNINGS, "no_token", "neither"),
    ("unreadable_manifest", "police", _bad_manifest, QUARANTINED, "manifest", "not valid JSON"),
    (
        "cp_plan_ends_before_start",
        "csc",
        _cp_plan_ends_before_start,
        LOADED,
        "8925",
        "before start_date",
    ),
    (
        "response_before_request",
        "probation",
        _response_before_request,
        LOADED,
        "response_after_request",
        "before requested_date",
    ),
    ("factor_21_not_alone", "csc", _factor_21_not_alone, LOADED, "8869", "21;16A"),
]


@pytest.mark.parametrize(
    "name, agency, breaker, state, rule, text", CASES, ids=[c[0] for c in CASES]
)
def test_bad_input(case, name, agency, breaker, state, rule, text):
    before = case.raw_fingerprint()
    breaker(case)
    outcome = case.ingest(agency)
    assert outcome.state == state, outcome.summary()
    report = json.loads((outcome.report / "report.json").read_text()) if outcome.report else None
    if rule is not None:
        found = [f for f in outcome.findings if f.rule == rule]
        assert found, f"no {rule} finding: {outcome.summary()}"
        assert any(text in f.message for f in found), [f.message for f in found]
        if report is not None:
            assert any(f["rule"] == rule for f in report["findings"])
        assert all(f.action for f in found)  # every finding says what to do
    with Warehouse(case.target) as wh:
        recorded = wh.query(
            "select state from raw.deliveries where delivery_id = ?", [outcome.delivery_id]
        )
        assert recorded == [(state,)]
        if state in (LOADED, WARNINGS):
            for rows_in, loaded, rejected in wh.query(
                "select rows_in, rows_loaded, rows_rejected from raw.delivery_files "
                "where delivery_id = ?",
                [outcome.delivery_id],
            ):
                assert rows_in == loaded + rejected
        if rule in (
            "reference_resolves",
            "no_future_date",
            "8925",
            "8869",
            "response_after_request",
        ):
            assert (
                wh.query(
                    "select count(*) from raw.rule_breaches where delivery_id = ? and rule = ?",
                    [outcome.delivery_id, rule],
                )[0][0]
                >= 1
            )
    if state not in (LOADED, WARNINGS):
        assert case.raw_fingerprint() == before
    assert case.outside_bytes_found() == []


def test_embedded_newline_keeps_line_numbers_physical(case):
    _embedded_newline(case)
    outcome = case.ingest("police")
    bad = [f for f in outcome.findings if f.rule == "bad_datetime"]
    # row 20 of the data starts on physical line 22: one earlier field holds a line break
    assert [f.line for f in bad] == [22]


def test_incomplete_delivery_loads_when_the_file_arrives(case, clean_partnership):
    _missing_file(case)
    assert case.ingest("police").state == "INCOMPLETE"
    assert case.ingest("police").state == "INCOMPLETE"  # checked again, still waiting
    source = clean_partnership / "landing" / "police" / f"police__flags__{SECOND}.csv"
    case.path("police", "flags").write_bytes(source.read_bytes())
    assert case.ingest("police").state == LOADED
