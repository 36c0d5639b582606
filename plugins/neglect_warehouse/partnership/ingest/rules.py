"""Checks that look across rows, columns and files of a delivery, in SQL:

- raw identifiers (extracts.md §3): an NHS number (10 digits passing the modulus-11 check)
  anywhere in any column, alone, in a list or written with separators, or a full UK postcode
  anywhere in any column other than identifiers and tokens — these quarantine the delivery;
- the consistency rules of extracts.md §6 — recorded per record, loaded, reported.
"""

from __future__ import annotations

import re

from neglect_warehouse.partnership.ingest.findings import BREACH, QUARANTINE, Finding
from neglect_warehouse.partnership.ingest.read import lit, q
from neglect_warehouse.shared import contract
from neglect_warehouse.shared.nhs_number import SQL_CANDIDATE, numbers_in

# A full UK postcode anywhere in a value: outward code, at most one separator of any kind
# (LS1 4AP, LS1-4AP, LS14AP), inward code; not part of a longer word.
POSTCODE = (
    r"(^|[^A-Za-z0-9])[A-Za-z]{1,2}[0-9][A-Za-z0-9]?[^A-Za-z0-9]?[0-9]"
    r"[ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2}([^A-Za-z0-9]|$)"
)

IDENTIFIER_ACTION = (
    "run the pseudonymisation tool on the raw extract and re-send the "
    "delivery; report the breach to your information governance lead"
)

# A value that conforms to one of these types cannot hold an NHS number or a postcode, so
# those columns are scanned only in rows that failed a row check.
CANNOT_HOLD_IDENTIFIERS = ("token", "date", "datetime", "month", "yn", "year")


def _identifier_scan(con, table: str, columns, limit: int = 50) -> list[tuple]:
    """(line, "nhs:<column>" or "pc:<column>") for the first ``limit`` raw identifiers in
    ``table``: an NHS number anywhere in any column (in a list, grouped with spaces, dashes or
    other separators: nhs_number.numbers_in, which confirms what SQL finds as candidates) and
    a postcode anywhere in any column but identifiers and tokens."""
    if not columns:
        return []
    selected, where = [], []
    for c in columns:
        candidate = f"regexp_matches({q(c.name)}, {lit(SQL_CANDIDATE)})"
        selected.append(f"case when {candidate} then {q(c.name)} end as {q('nhs:' + c.name)}")
        where.append(candidate)
        if c.type not in ("id", "token"):
            test = f"regexp_matches({q(c.name)}, {lit(POSTCODE)})"
            selected.append(f"{test} as {q('pc:' + c.name)}")
            where.append(test)
    cursor = con.execute(
        f"select _line, {', '.join(selected)} from {table} where {' or '.join(where)} "
        "order by _line"
    )
    names = [d[0] for d in cursor.description][1:]
    hits: list[tuple] = []
    while len(hits) < limit:
        rows = cursor.fetchmany(10000)
        if not rows:
            break
        for line, *values in rows:
            for flag, value in zip(names, values, strict=True):
                if not value:
                    continue
                # a postcode flag is SQL's verdict; an NHS candidate is confirmed here
                if flag.startswith("pc:") or numbers_in(value):
                    hits.append((line, flag))
    return hits[:limit]


def identifier_breaches(con, result, file_name: str) -> list[Finding]:
    """Raw identifiers anywhere in a file: in the columns that could hold one (every row), in
    every column of rows that failed a row check, and in rows too malformed to parse."""
    entity = result.entity
    free = [c for c in entity.columns if c.type not in CANNOT_HOLD_IDENTIFIERS]
    hits = sorted(
        set(
            _identifier_scan(con, result.parsed, free)
            + _identifier_scan(con, result.bad, entity.columns)
        )
    )
    findings = []
    for line, flag in hits:
        kind, column = flag.split(":", 1)
        what = (
            "a valid NHS number (a 10-digit value passing the modulus-11 check) is in the file"
            if kind == "nhs"
            else "a full UK postcode is in the file"
        )
        findings.append(
            Finding(
                QUARANTINE, "identifier_breach", what, IDENTIFIER_ACTION, file_name, line, column
            )
        )
    postcode = re.compile(POSTCODE)
    for line, text in result.structural_lines:
        text = text or ""
        if numbers_in(text) or postcode.search(text):
            findings.append(
                Finding(
                    QUARANTINE,
                    "identifier_breach",
                    "a malformed row holds what looks like an NHS number or postcode",
                    IDENTIFIER_ACTION,
                    file_name,
                    line,
                )
            )
    return findings


# extracts.md §6, as SQL over the delivery's accepted rows (work.acc_<agency>_<entity>).
# Each query returns (entity, record_id, line, rule, message).
def _t(agency: str, entity: str) -> str:
    return f"work.acc_{agency}_{entity}"


def consistency_sql(agency: str, extract_date: str) -> list[str]:
    e = lit(extract_date)
    sql: list[str] = []
    # every reference resolves to a loaded row of this delivery
    for entity in contract.entities(agency):
        for ref in entity.references:
            sql.append(f"""
                select {lit(entity.name)}, {q(entity.primary_key[0])}, _line,
                    'reference_resolves', {lit(ref.column)} || ' ' || {q(ref.column)}
                        || ' is not in {ref.entity}'
                from {_t(agency, entity.name)}
                where {q(ref.column)} is not null and {q(ref.column)} not in (
                    select {q(ref.to_column)} from {_t(agency, ref.entity)})""")
        # no event date after the extract date (expected dates and unborn children excepted)
        for c in entity.columns:
            if c.type not in ("date", "datetime", "month") or c.future_allowed:
                continue
            if c.name == "birth_month" and agency in ("csc", "health"):
                continue  # an unborn child's expected month (extracts.md §6)
            value = {
                "date": f"{q(c.name)}::date",
                "datetime": f"left({q(c.name)}, 10)::date",
                "month": f"({q(c.name)} || '-01')::date",
            }[c.type]
            limit = e + "::date" if c.type != "month" else f"date_trunc('month', {e}::date)"
            sql.append(f"""
                select {lit(entity.name)}, {q(entity.primary_key[0])}, _line,
                    'no_future_date', {lit(c.name)} || ' ' || {q(c.name)}
                        || ' is after the extract date'
                from {_t(agency, entity.name)} where {value} > {limit}""")
    if agency == "csc":
        ref = _t("csc", "referrals")
        for entity, column, rule in (
            ("assessments", "start_date", "1103"),
            ("s47_enquiries", "start_date", "1105"),
            ("cin_plans", "start_date", "2889"),
            ("cp_plans", "start_date", "2889"),
        ):
            key = contract.entity("csc", entity).primary_key[0]
            sql.append(f"""
                select {lit(entity)}, x.{key}, x._line, {lit(rule)},
                    '{column} ' || x.{column} || ' is before the referral date ' || r.referral_date
                from {_t("csc", entity)} x join {ref} r using (referral_id)
                where x.{column}::date < r.referral_date::date""")
        sql.append(f"""
            select 'cp_plans', p.cp_plan_id, p._line, '2885',
                'start_date ' || p.start_date || ' is not the ICPC date of an S47 of referral '
                    || p.referral_id
            from {_t("csc", "cp_plans")} p
            where not exists (select 1 from {_t("csc", "s47_enquiries")} s
                              where s.referral_id = p.referral_id
                                and s.icpc_date = p.start_date)""")
        sql.append(f"""
            select 'cp_plans', cp_plan_id, _line, '8925',
                'end_date ' || end_date || ' is before start_date ' || start_date
            from {_t("csc", "cp_plans")} where end_date::date < start_date::date""")
        for entity, key, rule in (
            ("cp_plans", "cp_plan_id", "8935_8940"),
            ("cin_plans", "cin_plan_id", "4014"),
        ):
            sql.append(f"""
                select {lit(entity)}, b.{key}, b._line, {lit(rule)},
                    'starts ' || b.start_date || ' while ' || a.{key} || ' (from '
                        || a.start_date || ') is open for the same person'
                from {_t("csc", entity)} a join {_t("csc", entity)} b
                  on a.person_id = b.person_id and a.{key} <> b.{key}
                 and (a.start_date < b.start_date
                      or (a.start_date = b.start_date and a.{key} < b.{key}))
                 and (a.end_date is null or a.end_date::date > b.start_date::date)
                qualify row_number() over (partition by b.{key} order by a.start_date) = 1""")
        sql.append(f"""
            select 'referrals', referral_id, _line, '8805_8810',
                'closure_date and closure_reason must be given together'
            from {ref} where (closure_date is null) <> (closure_reason is null)""")
        sql.append(f"""
            select 'assessments', assessment_id, _line, '8869',
                'factor 21 (no factors identified) with other factors: ' || factors
            from {_t("csc", "assessments")}
            where list_contains(string_split(factors, ';'), '21') and factors <> '21'""")
        sql.append(f"""
            select 'contacts', contact_id, _line, 'decision_after_contact',
                'decision_datetime ' || decision_datetime || ' is before contact_datetime '
                    || contact_datetime
            from {_t("csc", "contacts")}
            where decision_datetime::timestamp < contact_datetime::timestamp""")
    if agency == "probation":
        sql.append(f"""
            select 'safeguarding_checks', check_id, _line, 'response_after_request',
                'response_date ' || response_date || ' is before requested_date '
                    || requested_date
            from {_t("probation", "safeguarding_checks")}
            where response_date::date < requested_date::date""")
    return sql


def consistency_breaches(con, agency: str, extract_date: str) -> list[tuple]:
    """(entity, record_id, line, rule, message) for every record breaking a §6 rule."""
    union = "\nunion all\n".join(consistency_sql(agency, extract_date))
    if not union:
        return []
    return con.execute(f"select * from ({union}) order by 1, 3").fetchall()


def breach_findings(rows: list[tuple], stamp: str, agency: str) -> list[Finding]:
    return [
        Finding(
            BREACH,
            rule,
            f"{record}: {message}",
            "correct the record at source (loaded, but not used by indicators)",
            f"{agency}__{entity}__{stamp}.csv",
            line,
        )
        for entity, record, line, rule, message in rows
    ]
