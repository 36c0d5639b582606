"""Checks that look across rows, columns and files of a delivery, in SQL:

- raw identifiers (extracts.md §3): an NHS number (10 digits passing the modulus-11 check)
  anywhere in any column, alone, in a list or written with separators, or a full UK postcode
  anywhere in any column other than identifiers and tokens — these quarantine the delivery;
- the consistency rules of extracts.md §6 — recorded per record, loaded, reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

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
        if not contract.column_type(c.type).record_key:
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
    # a valid value of a type that cannot hold an NHS number or a postcode (contract column
    # types) is scanned only in rows that failed a row check
    free = [c for c in entity.columns if contract.column_type(c.type).can_hold_identifiers]
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


def _key(agency: str, entity: str) -> str:
    return contract.entity(agency, entity).primary_key[0]


def _starts_after_referral(agency: str, entity: str, rule: str) -> str:
    key, column = _key(agency, entity), "start_date"
    return f"""
                select {lit(entity)}, x.{key}, x._line, {lit(rule)},
                    '{column} ' || x.{column} || ' is before the referral date ' || r.referral_date
                from {_t(agency, entity)} x join {_t(agency, "referrals")} r using (referral_id)
                where x.{column}::date < r.referral_date::date"""


def _starts_on_an_icpc_date(agency: str, entity: str, rule: str) -> str:
    return f"""
            select {lit(entity)}, p.{_key(agency, entity)}, p._line, {lit(rule)},
                'start_date ' || p.start_date || ' is not the ICPC date of an S47 of referral '
                    || p.referral_id
            from {_t(agency, entity)} p
            where not exists (select 1 from {_t(agency, "s47_enquiries")} s
                              where s.referral_id = p.referral_id
                                and s.icpc_date = p.start_date)"""


def _ends_after_start(agency: str, entity: str, rule: str) -> str:
    return f"""
            select {lit(entity)}, {_key(agency, entity)}, _line, {lit(rule)},
                'end_date ' || end_date || ' is before start_date ' || start_date
            from {_t(agency, entity)} where end_date::date < start_date::date"""


def _plans_do_not_overlap(agency: str, entity: str, rule: str) -> str:
    key = _key(agency, entity)
    return f"""
                select {lit(entity)}, b.{key}, b._line, {lit(rule)},
                    'starts ' || b.start_date || ' while ' || a.{key} || ' (from '
                        || a.start_date || ') is open for the same person'
                from {_t(agency, entity)} a join {_t(agency, entity)} b
                  on a.person_id = b.person_id and a.{key} <> b.{key}
                 and (a.start_date < b.start_date
                      or (a.start_date = b.start_date and a.{key} < b.{key}))
                 and (a.end_date is null or a.end_date::date > b.start_date::date)
                qualify row_number() over (partition by b.{key} order by a.start_date) = 1"""


def _closed_with_a_reason(agency: str, entity: str, rule: str) -> str:
    return f"""
            select {lit(entity)}, {_key(agency, entity)}, _line, {lit(rule)},
                'closure_date and closure_reason must be given together'
            from {_t(agency, entity)} where (closure_date is null) <> (closure_reason is null)"""


def _factor_21_alone(agency: str, entity: str, rule: str) -> str:
    return f"""
            select {lit(entity)}, {_key(agency, entity)}, _line, {lit(rule)},
                'factor 21 (no factors identified) with other factors: ' || factors
            from {_t(agency, entity)}
            where list_contains(string_split(factors, ';'), '21') and factors <> '21'"""


def _decision_after_contact(agency: str, entity: str, rule: str) -> str:
    return f"""
            select {lit(entity)}, {_key(agency, entity)}, _line, {lit(rule)},
                'decision_datetime ' || decision_datetime || ' is before contact_datetime '
                    || contact_datetime
            from {_t(agency, entity)}
            where decision_datetime::timestamp < contact_datetime::timestamp"""


def _response_after_request(agency: str, entity: str, rule: str) -> str:
    return f"""
            select {lit(entity)}, {_key(agency, entity)}, _line, {lit(rule)},
                'response_date ' || response_date || ' is before requested_date '
                    || requested_date
            from {_t(agency, entity)}
            where response_date::date < requested_date::date"""


@dataclass(frozen=True)
class Rule:
    """A consistency rule of extracts.md §6: its id (as raw.rule_breaches records it), the DfE
    CIN census validation rule number(s) it implements (None for the partnership's own rules),
    what it requires in plain words, the entities it is checked on (by name: each belongs to
    one agency of the contract; none for the two rules the contract's columns place, see
    ``checked_rules``) and its check (SQL of agency, entity and rule id)."""

    id: str
    cin_rule: str | None
    description: str
    entities: tuple[str, ...] = ()
    check: Callable[[str, str, str], str] | None = None


# The rules, in the order ingest checks them: the one list that ingest's checks, the dbt seed
# contract_rules (dim_dq_rules) and the agencies' reports take them from.
RULES: tuple[Rule, ...] = (
    Rule(
        "reference_resolves",
        None,
        "Every reference (person_id, referral_id, contact_id, incident_id, case_id) is to a "
        "record loaded in the same delivery.",
    ),
    Rule(
        "no_future_date",
        None,
        "No event date is after the extract date (expected delivery dates, due dates and the "
        "birth month of an unborn child in csc or health persons excepted).",
    ),
    Rule(
        "1103",
        "1103",
        "The assessment starts on or after the referral date.",
        ("assessments",),
        _starts_after_referral,
    ),
    Rule(
        "1105",
        "1105",
        "The S47 enquiry starts on or after the referral date.",
        ("s47_enquiries",),
        _starts_after_referral,
    ),
    Rule(
        "2889",
        "2889",
        "The CIN or CP plan starts on or after the referral date.",
        ("cin_plans", "cp_plans"),
        _starts_after_referral,
    ),
    Rule(
        "2885",
        "2885",
        "The CP plan starts on the ICPC date of an S47 enquiry of the same referral.",
        ("cp_plans",),
        _starts_on_an_icpc_date,
    ),
    Rule(
        "8925",
        "8925",
        "The CP plan does not end before it starts.",
        ("cp_plans",),
        _ends_after_start,
    ),
    Rule(
        "8935_8940",
        "8935, 8940",
        "A child has at most one open CP plan and its plans do not overlap (the later-starting "
        "plan is the breach; on the same start date, the greater id).",
        ("cp_plans",),
        _plans_do_not_overlap,
    ),
    Rule(
        "4014",
        "4014",
        "A child's CIN plans do not overlap (the later-starting plan is the breach; on the same "
        "start date, the greater id).",
        ("cin_plans",),
        _plans_do_not_overlap,
    ),
    Rule(
        "8805_8810",
        "8805, 8810",
        "Closure date and closure reason are given together.",
        ("referrals",),
        _closed_with_a_reason,
    ),
    Rule(
        "8869",
        "8869",
        "Assessment factor 21 (no factors identified) stands alone.",
        ("assessments",),
        _factor_21_alone,
    ),
    Rule(
        "decision_after_contact",
        None,
        "The contact's decision is not before the contact.",
        ("contacts",),
        _decision_after_contact,
    ),
    Rule(
        "response_after_request",
        None,
        "The response to a safeguarding check is not before its request.",
        ("safeguarding_checks",),
        _response_after_request,
    ),
)


def rule(rule_id: str) -> Rule:
    return next(r for r in RULES if r.id == rule_id)


def _future_date_columns(entity: contract.Entity) -> list[contract.Column]:
    """The entity's dates that may not lie after the extract date (the contract's
    ``future_allowed`` marks expected dates and unborn children's birth months)."""
    return [
        c for c in entity.columns if contract.column_type(c.type).as_date and not c.future_allowed
    ]


def _entity_rules(agency: str) -> list[tuple[Rule, str]]:
    """(rule, entity) for the rules of RULES checked on particular entities of ``agency``."""
    names = {e.name for e in contract.entities(agency)}
    return [(rule, entity) for rule in RULES for entity in rule.entities if entity in names]


def checked_rules(agency: str) -> list[tuple[str, Rule]]:
    """(entity, rule) for every rule checked on ``agency``'s deliveries: references resolve
    on every entity with a reference, no future date on every entity with a date that may not
    lie in the future, and the rules of particular entities."""
    found = []
    for entity in contract.entities(agency):
        if entity.references:
            found.append((entity.name, rule("reference_resolves")))
        if _future_date_columns(entity):
            found.append((entity.name, rule("no_future_date")))
    return found + [(entity, checked) for checked, entity in _entity_rules(agency)]


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
        for c in _future_date_columns(entity):
            kind = contract.column_type(c.type)
            value = str(kind.as_date).format(c=q(c.name))
            limit = f"date_trunc('month', {e}::date)" if kind.month_only else e + "::date"
            sql.append(f"""
                select {lit(entity.name)}, {q(entity.primary_key[0])}, _line,
                    'no_future_date', {lit(c.name)} || ' ' || {q(c.name)}
                        || ' is after the extract date'
                from {_t(agency, entity.name)} where {value} > {limit}""")
    for checked, entity_name in _entity_rules(agency):
        assert checked.check is not None, checked.id
        sql.append(checked.check(agency, entity_name, checked.id))
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
