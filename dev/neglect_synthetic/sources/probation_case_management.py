"""The synthetic probation case-management system (docs/sources/probation-case-management.md):
persons by case reference number, events (cases) with their provider and risk, safeguarding
check requests and responses, and contacts (home visits among them), with the system's own
codes. Built from the agency's raw extract by inverting the mapping's translations."""

from __future__ import annotations

from pathlib import Path

from neglect_synthetic.sources import case_sql

SYSTEM = "case_management"

PROVIDER = {
    "PS": "Probation Service",
    "NPS": "National Probation Service",
    "CRC": "Community Rehabilitation Company",
    "YJS": "Youth Justice Service",
}
ROSH = {"LOW": "L", "MEDIUM": "M", "HIGH": "H", "VERY_HIGH": "V"}
STAGE = {"PRE_SENTENCE": "PSR", "CASE_START": "INDUCT", "REVIEW": "REVIEW"}
GENDER = {"M": "M", "F": "F", "U": "N"}


def build(con, raw_dir: Path, stamp: str) -> None:
    def raw(entity: str) -> str:
        path = raw_dir / f"probation__{entity}__{stamp}.csv"
        return f"read_csv('{path}', header = true, all_varchar = true)"

    con.execute(
        f"""create table person as select
            person_id as crn,
            nhs_number as nhs_no,
            surname,
            forenames as first_name,
            cast(date_of_birth as date) as date_of_birth,
            {case_sql(GENDER, "sex")} as gender_code,
            cast(uprn as bigint) as address_uprn,
            address_line_1,
            postcode
        from {raw("persons")}"""
    )
    con.execute(
        f"""create table event as select
            case_id as event_id,
            person_id as crn,
            {case_sql(PROVIDER, "provider")} as provider_name,
            cast(start_date as date) as referral_date,
            cast(end_date as date) as termination_date,
            {case_sql(ROSH, "rosh_children")} as rosh_children_level,
            children_in_household as children_in_household_code
        from {raw("cases")}"""
    )
    con.execute(
        f"""create table safeguarding_check as select
            check_id as check_request_id,
            case_id as event_id,
            {case_sql(STAGE, "stage")} as request_stage_code,
            cast(requested_date as date) as request_date,
            cast(response_date as date) as response_date,
            csc_known as known_to_childrens_services
        from {raw("safeguarding_checks")}"""
    )
    con.execute(
        f"""create table contact as select
            visit_id as contact_id,
            case_id as event_id,
            'CHVS' as contact_type_code,
            cast(visit_date as date) as contact_date,
            neglect_concern = 'Y' as neglect_concern_flag,
            referred_to_csc = 'Y' as referred_to_csc_flag
        from {raw("home_visits")}"""
    )
