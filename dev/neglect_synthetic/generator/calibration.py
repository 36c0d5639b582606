"""How close a generated partnership comes to the England figures of spec/calibration.md.

Measured from the raw extract files alone (never from the generator's internals), over the
three years to the extract date (yearly rates are a third of the three-year count: one year of
an ``la`` partnership has too few CP plans ending for a stable share), with the partnership's
own population as denominator.
``neglect-warehouse calibration`` prints the table; a test asserts the bands on ``la``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

YEARS = 3


@dataclass(frozen=True)
class Measure:
    name: str
    england: float
    unit: str
    asserted: bool  # part of the representative set the calibration test holds to ±20%


MEASURES = (
    Measure("referrals per 10,000 per year", 519, "per 10k", True),
    Measure("re-referrals within 12 months %", 22.6, "%", True),
    Measure("referrals ending in no further action %", 6.5, "%", False),
    Measure("assessments within 45 working days %", 85.7, "%", False),
    Measure("S47 enquiries per 10,000 per year", 189, "per 10k", False),
    Measure("ICPCs per 10,000 per year", 59, "per 10k", False),
    Measure("ICPC within 15 working days %", 81.4, "%", False),
    Measure("CP plans starting per 10,000 per year", 51, "per 10k", False),
    Measure("CP plans at extract date per 10,000", 40.6, "per 10k", True),
    Measure("CP plans with neglect as initial category %", 50.0, "%", True),
    Measure("CP plans second or subsequent %", 24.5, "%", True),
    Measure("CP plans ending: up to 3 months %", 15.9, "%", True),
    Measure("CP plans ending: 3 to 6 months %", 11.0, "%", True),
    Measure("CP plans ending: 6 to 12 months %", 43.5, "%", True),
    Measure("CP plans ending: 1 to 2 years %", 25.2, "%", True),
    Measure("CP plans ending: 2 years or more %", 4.4, "%", True),
    Measure("children looked after starting per 10,000 per year", 26, "per 10k", False),
    Measure("new birth visits within 14 days %", 85.2, "%", True),
    Measure("6-8 week reviews by 8 weeks %", 82.0, "%", True),
    Measure("12-month reviews by 15 months %", 88.4, "%", True),
    Measure("2-2.5 year reviews by 2.5 years %", 80.8, "%", True),
    Measure("was-not-brought odds ratio, known to CSC vs not", 2.7, "ratio", True),
)


def _sql(raw: Path, extract: dt.date) -> str:
    stamp = extract.strftime("%Y%m%d")

    def f(agency, entity):
        return f"read_csv('{raw}/{agency}/{agency}__{entity}__{stamp}.csv', all_varchar=true)"

    e = extract.isoformat()
    y = extract.replace(year=extract.year - YEARS).isoformat()
    return f"""
    with population as (select * from read_csv('{raw}/../reference/population.csv',
                                               all_varchar=true)),
    pop as (
        select sum(population::int) as children from population
        where mid_year::int = (select max(mid_year::int) from population
                               where mid_year::int <= {extract.year})
    ),
    per_10k_year as (select children * {YEARS} / 10000.0 as n from pop),
    ref as (select person_id, referral_date::date as d, nfa from {f("csc", "referrals")}),
    ref_year as (select * from ref where d > '{y}' and d <= '{e}'),
    rerefs as (
        select count(*) filter (where exists (select 1 from ref r2 where r2.person_id = r.person_id
            and r2.d >= r.d - 365 and r2.d < r.d)) * 100.0 / count(*) as pct
        from ref_year r
    ),
    a as (select start_date::date as s, authorised_date::date as au from {f("csc", "assessments")}
          where authorised_date > '{y}' and authorised_date <= '{e}'),
    s47 as (select start_date::date as s, icpc_date::date as i, strategy_discussion_date::date sd
            from {f("csc", "s47_enquiries")}),
    cp as (select person_id, start_date::date s, end_date::date en, initial_category ic
           from {f("csc", "cp_plans")}),
    cp_start as (select * from cp where s > '{y}' and s <= '{e}'),
    cp_end as (select (en - s) as days from cp where en > '{y}' and en <= '{e}'),
    cla as (select start_date::date s, reason_new_episode r from {f("csc", "cla_episodes")}),
    ap as (select * from {f("health", "appointments")}),
    hv as (
        select appointment_type t, person_id, due_date::date due,
            bool_or(outcome = 'ATTENDED' and scheduled_date::date <= due_date::date + case
                appointment_type when 'REVIEW_12_MONTH' then 92 else 0 end) as ok
        from ap where due_date is not null
        group by all
    ),
    hv_year as (select * from hv where due > '{y}' and due <= '{e}'),
    hp as (select person_id, nhs_number from {f("health", "persons")}
           where nhs_number is not null),
    cp_persons as (select person_id, nhs_number from {f("csc", "persons")}
                   where nhs_number is not null),
    first_contact as (
        select p.nhs_number, min(c.contact_datetime::timestamp)::date as first
        from {f("csc", "contacts")} c join cp_persons p using (person_id) group by 1
    ),
    routine as (
        select ap.outcome = 'WAS_NOT_BROUGHT' as wnb,
               coalesce(fc.first <= ap.scheduled_date::date, false) as known
        from ap join hp using (person_id) left join first_contact fc using (nhs_number)
        where ap.appointment_type = 'ROUTINE' and ap.outcome in ('ATTENDED', 'WAS_NOT_BROUGHT')
          and ap.scheduled_date > '{y}' and ap.scheduled_date <= '{e}'
    ),
    wnb as (
        select avg(wnb::int) filter (where known) as pk,
               avg(wnb::int) filter (where not known) as pu
        from routine
    )
    select
        (select count(*) from ref_year) / (select n from per_10k_year),
        (select pct from rerefs),
        (select avg((nfa = 'Y')::int) * 100 from ref_year),
        (select avg((wd <= 45)::int) * 100 from (select (select count(*) from range(a.s + 1,
            a.au + 1, interval 1 day) t(x) where dayofweek(x) not in (0, 6)) as wd from a)),
        (select count(*) from s47 where sd > '{y}' and sd <= '{e}') / (select n from per_10k_year),
        (select count(*) from s47 where i > '{y}' and i <= '{e}') / (select n from per_10k_year),
        (select avg((wd <= 15)::int) * 100 from (select (select count(*) from range(s + 1, i + 1,
            interval 1 day) t(x) where dayofweek(x) not in (0, 6)) as wd from s47
            where i > '{y}' and i <= '{e}')),
        (select count(*) from cp_start) / (select n from per_10k_year),
        (select count(distinct person_id) from cp where s <= '{e}' and (en is null or en > '{e}'))
            * 10000.0 / (select children from pop),
        (select avg((ic = 'NEG')::int) * 100 from cp_start),
        (select avg((exists (select 1 from cp c2
                             where c2.person_id = c.person_id and c2.s < c.s))::int) * 100
            from cp_start c),
        (select avg((days <= 91)::int) * 100 from cp_end),
        (select avg((days > 91 and days <= 182)::int) * 100 from cp_end),
        (select avg((days > 182 and days <= 365)::int) * 100 from cp_end),
        (select avg((days > 365 and days < 730)::int) * 100 from cp_end),
        (select avg((days >= 730)::int) * 100 from cp_end),
        (select count(*) from cla where r = 'S' and s > '{y}' and s <= '{e}')
            / (select n from per_10k_year),
        (select avg(ok::int) * 100 from hv_year where t = 'NEW_BIRTH_VISIT'),
        (select avg(ok::int) * 100 from hv_year where t = 'REVIEW_6_8_WEEK'),
        (select avg(ok::int) * 100 from hv_year where t = 'REVIEW_12_MONTH'),
        (select avg(ok::int) * 100 from hv_year where t = 'REVIEW_2_YEAR'),
        (select (pk / (1 - pk)) / (pu / (1 - pu)) from wnb)
    """


def measure(out_dir: Path, extract_date: dt.date) -> dict[str, float]:
    """Every measure of ``MEASURES`` for the generated partnership in ``out_dir``."""
    import duckdb

    raw = Path(out_dir).resolve() / "raw"
    # Injected malformed values must not stop the measurement: unreadable values are null.
    sql = re.sub(
        r"\b([\w.]+)::(date|int|timestamp)\b", r"try_cast(\1 as \2)", _sql(raw, extract_date)
    )
    row = duckdb.connect().execute(sql).fetchone()
    assert row is not None  # a select of aggregates alone: always one row
    return {
        m.name: float(v) if v is not None else float("nan")
        for m, v in zip(MEASURES, row, strict=True)
    }
