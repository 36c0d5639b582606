"""The synthetic police records-management system (docs/sources/police-rms.md), modelled on
the POLE (Person, Object, Location, Event) records-management systems of English forces
(Niche RMS, Athena): nominals, occurrences at locations on beats, child concern
notifications (public protection notices for children) shared with the MASH, warning
markers on nominals and strategy discussions the police attended, with the force's own codes.
Built from the agency's raw extract by inverting the mapping's translations."""

from __future__ import annotations

from pathlib import Path

from neglect_synthetic.sources import case_sql

SYSTEM = "rms"

GENDER = {"M": "M", "F": "F", "U": "U"}
RISK = {"STANDARD": "S", "MEDIUM": "M", "HIGH": "H"}
MARKER = {"CP_PLAN": "CPP", "CIN_PLAN": "CIN", "LOOKED_AFTER": "LAC", "VULNERABLE_CHILD": "VCH"}
# Contract incident type -> the force's occurrence type codes. Where the force has several
# codes for one contract type, occurrences are spread over them by their number.
OCCURRENCE_TYPE = {
    "DOMESTIC_ABUSE": ["DOM"],
    "CHILD_NEGLECT": ["CHNEG"],
    "MISSING_PERSON": ["MISPER"],
    "ASB": ["ASBP", "ASBN", "ASBE"],
    "VIOLENCE": ["VAP"],
    "OTHER": ["CFS", "SUSP", "PROP"],
}


def _occurrence_type(column: str, number: str) -> str:
    whens = []
    for code, force in OCCURRENCE_TYPE.items():
        if len(force) == 1:
            whens.append(f"when '{code}' then '{force[0]}'")
        else:
            spread = " ".join(f"when {i} then '{c}'" for i, c in enumerate(force))
            whens.append(f"when '{code}' then case {number} % {len(force)} {spread} end")
    return f"case {column} {' '.join(whens)} else {column} end"


def _beat(locality: str) -> str:
    """The beat an occurrence in a partnership locality falls on (one beat per locality in
    the synthetic force; a real force has several)."""
    return f"'NB' || substr({locality}, 2)"


def build(con, raw_dir: Path, stamp: str) -> None:
    def raw(entity: str) -> str:
        path = raw_dir / f"police__{entity}__{stamp}.csv"
        return f"read_csv('{path}', header = true, all_varchar = true)"

    con.execute(
        f"""create table nominal as select
            person_id as nominal_id,
            surname,
            forenames as forename_1,
            cast(date_of_birth as date) as date_of_birth,
            {case_sql(GENDER, "sex")} as gender_code,
            nhs_number,
            address_line_1 as last_known_address,
            postcode as last_known_postcode
        from {raw("persons")}"""
    )
    con.execute(
        f"""create table beat as select distinct
            {_beat("locality_code")} as beat_code,
            'Neighbourhood beat ' || substr(locality_code, 2) as beat_name,
            locality_code as partnership_locality_code
        from {raw("incidents")}
        where locality_code is not null"""
    )
    # Locations: one per addressed property (UPRN) and beat; one street location per
    # occurrence without a UPRN.
    con.execute(
        f"""create temp table _occurrence_place as select distinct
            incident_id, cast(uprn as bigint) as uprn, locality_code
        from {raw("incidents")}"""
    )
    con.execute(
        """create temp table _address as select
            row_number() over (order by uprn, locality_code) as location_id, uprn, locality_code
        from (select distinct uprn, locality_code from _occurrence_place
              where uprn is not null) a"""
    )
    con.execute(
        """create temp table _street as select
            (select count(*) from _address)
              + row_number() over (order by incident_id) as location_id,
            incident_id, locality_code
        from (select distinct incident_id, locality_code from _occurrence_place
              where uprn is null) s"""
    )
    con.execute(
        f"""create table location as
        select location_id, uprn,
               case when locality_code is null then null else {_beat("locality_code")} end
                 as beat_code,
               'ADDRESS' as location_type
        from _address
        union all
        select location_id, cast(null as bigint) as uprn,
               case when locality_code is null then null else {_beat("locality_code")} end
                 as beat_code,
               'STREET' as location_type
        from _street"""
    )
    number = "cast(regexp_extract(i.incident_id, '[0-9]+$') as bigint)"
    con.execute(
        f"""create table occurrence as select
            i.incident_id as occurrence_id,
            {_occurrence_type("i.incident_type", number)} as occurrence_type_code,
            cast(i.incident_datetime as timestamp) as occurred_datetime,
            coalesce(a.location_id, s.location_id) as location_id,
            i.children_present = 'Y' as children_present_flag
        from {raw("incidents")} i
        left join _address a
          on a.uprn = cast(i.uprn as bigint)
         and coalesce(a.locality_code, '') = coalesce(i.locality_code, '')
        left join _street s
          on s.incident_id = i.incident_id
         and coalesce(s.locality_code, '') = coalesce(i.locality_code, '')"""
    )
    for temp in ("_street", "_address", "_occurrence_place"):
        con.execute(f"drop table {temp}")
    con.execute(
        f"""create table child_concern_notification as select
            notification_id as ccn_id,
            incident_id as occurrence_id,
            person_id as subject_nominal_id,
            cast(notification_datetime as timestamp) as created_datetime,
            {case_sql(RISK, "risk_grade")} as risk_grade_code,
            neglect_concern = 'Y' as neglect_concern_flag,
            child_present = 'Y' as child_present_flag,
            voice_of_child_recorded = 'Y' as voice_of_child_flag,
            cast(shared_with_csc_datetime as timestamp) as mash_shared_datetime
        from {raw("child_notifications")}"""
    )
    con.execute(
        f"""create table warning_marker as select
            flag_id as marker_id,
            person_id as nominal_id,
            {case_sql(MARKER, "flag_type")} as marker_code,
            cast(start_date as date) as date_from,
            cast(end_date as date) as date_to
        from {raw("flags")}"""
    )
    con.execute(
        f"""create table strategy_discussion as select
            strategy_id as discussion_ref,
            person_id as child_nominal_id,
            cast(discussion_date as date) as discussion_date
        from {raw("strategy_discussions")}"""
    )
