"""The synthetic Standard Safeguarding Dataset (SSD) of a local authority's children's social
care (docs/sources/csc-ssd.md): the SSD tables as Data to Insight's deployment script
(ssd-data-model, SystemC v1.4.5) creates them, with the SSD's own column names, types and
code values, plus the one local extension table (``ssd_local_extension``) holding what the
contract needs and the SSD lacks. Built from the agency's raw extract by inverting the
mapping's translations; set-based DuckDB SQL throughout (no Python loop over rows).

SSD ``DATETIME`` columns are TIMESTAMP here, ``NVARCHAR``/``NCHAR`` columns VARCHAR. The SSD
declares primary keys; they are left off so that a record held twice (a defect the raw
extract carries on purpose) stays twice, as it would in a system without the constraint."""

from __future__ import annotations

from pathlib import Path

from neglect_synthetic.sources import case_sql

SYSTEM = "ssd"

# Contract code -> the SSD's value (the mapping's translations, inverted).
CATEGORY = {  # CPPL009A/CPPL010A: the SSD holds the category of abuse as its description
    "NEG": "Neglect",
    "PHY": "Physical abuse",
    "SAB": "Sexual abuse",
    "EMO": "Emotional abuse",
    "MUL": "Multiple",
}
# DISA002A: CIN census disability codes; the raw extract says only Y/N, and "Other DDA" is the
# code the CIN census guidance gives when the individual disabilities are not identified.
DISABILITY = {"Y": "DDA", "N": "NONE"}
# CONT006A/CINE012A: descriptions of the CIN census referral-source codes (not read).
SOURCE = {
    "1A": "Individual - family member, relative or carer",
    "1B": "Individual - acquaintance",
    "1C": "Individual - self",
    "1D": "Individual - other",
    "2A": "Schools",
    "2B": "Education services",
    "3A": "Health services - GP",
    "3B": "Health services - health visitor",
    "3C": "Health services - school nurse",
    "3D": "Health services - other primary health services",
    "3E": "Health services - A&E",
    "3F": "Health services - other",
    "4": "Housing",
    "5A": "LA services - social care",
    "5B": "LA services - other internal",
    "5C": "LA services - external",
    "5D": "LA services - early help",
    "6": "Police",
    "7": "Other legal agency",
    "8": "Other",
    "9": "Anonymous",
    "10": "Unknown",
}
FAMILY_HUB = "Family Hub"
# The local extension's items from a raw entity: (item type, entity, record id column, value
# column, date column); docs/sources/csc-ssd.md lists them.
EXTENSION_ITEMS = [
    ("LOCALITY", "persons", "person_id", "locality_code", None),
    ("UPRN", "persons", "person_id", "uprn", None),
    ("CONTACT_NEGLECT_FACTOR", "contacts", "contact_id", "neglect_factor", None),
    ("CONTACT_DECISION", "contacts", "contact_id", "outcome", "decision_datetime"),
    ("REFERRAL_CONTACT", "referrals", "referral_id", "contact_id", None),
    ("S47_STRATEGY_DISCUSSION", "s47_enquiries", "s47_id", None, "strategy_discussion_date"),
    ("RHI_COMPLETED", "missing_episodes", "missing_id", None, "rhi_completed_date"),
    ("NEGLECT_TOOL_AGENCY", "neglect_tools", "tool_id", "completing_agency", None),
    ("NEGLECT_TOOL_GRADE", "neglect_tools", "tool_id", "overall_grade", None),
]  # earl_episode_organisation of a family hub registration


def _flag(condition: str) -> str:
    return f"case when {condition} then 'Y' else 'N' end"


def _contact_outcome_json(outcome: str) -> str:
    """cont_contact_outcome_json as the SSD's SQL Server script writes it (CONT005A); empty
    flags while the contact is undecided. Early help has no flag of its own in the SSD."""
    keys = [
        ("NEW_REFERRAL_FLAG", f"{outcome} = 'REFERRAL'"),
        ("EXISTING_REFERRAL_FLAG", None),
        ("CP_ENQUIRY_FLAG", None),
        ("NFA_FLAG", f"{outcome} = 'NFA'"),
        ("NON_AGENCY_ADOPTION_FLAG", None),
        ("PRIVATE_FOSTERING_FLAG", None),
        ("ADVICE_FLAG", f"{outcome} = 'INFO_ADVICE'"),
        ("MISSING_FLAG", None),
        ("OLA_CP_FLAG", None),
        ("OTHER_OUTCOMES_EXIST_FLAG", f"{outcome} = 'EARLY_HELP'"),
    ]
    parts = []
    for key, condition in keys:
        value = "''"
        if condition:
            value = f"case when {outcome} is null then '' else {_flag(condition)} end"
        parts.append(f"'\"{key}\": \"' || {value} || '\", '")
    number = f"case when {outcome} is null then 'null' else '1' end"
    return (
        "'{' || "
        + " || ".join(parts)
        + f' || \'"NUMBER_OF_OUTCOMES": \' || {number} || \', "COMMENTS": ""}}\''
    )


def _s47_outcome_json(flag: str) -> str:
    """s47e_s47_outcome_json (S47E007A) with its CP_CONFERENCE_FLAG: N when the enquiry
    concluded that no initial conference is needed, Y when one was held, empty otherwise."""
    keys = [
        "NFA_FLAG",
        "LEGAL_ACTION_FLAG",
        "PROV_OF_SERVICES_FLAG",
        "PROV_OF_SB_CARE_FLAG",
        "CP_CONFERENCE_FLAG",
        "NFA_CONTINUE_SINGLE_FLAG",
        "MONITOR_FLAG",
        "OTHER_OUTCOMES_EXIST_FLAG",
    ]
    parts = [
        f"'\"{k}\": \"' || {flag if k == 'CP_CONFERENCE_FLAG' else chr(39) * 2} || '\", '"
        for k in keys
    ]
    return (
        "'{' || "
        + " || ".join(parts)
        + ' || \'"TOTAL_NO_OF_OUTCOMES": null, "OUTCOME_COMMENTS": ""}\''
    )


def build(con, raw_dir: Path, stamp: str) -> None:
    def raw(entity: str) -> str:
        path = raw_dir / f"csc__{entity}__{stamp}.csv"
        return f"read_csv('{path}', header = true, all_varchar = true)"

    extract_date = f"date '{stamp[:4]}-{stamp[4:6]}-{stamp[6:]}'"

    # --- people -----------------------------------------------------------------------
    con.execute(
        f"""create table ssd_person as select
            cast(null as varchar) as pers_legacy_id,
            person_id as pers_person_id,
            cast(null as varchar) as pers_upn,
            forenames as pers_forename,
            surname as pers_surname,
            sex as pers_sex,
            sex as pers_gender,
            ethnicity as pers_ethnicity,
            case when cast(date_of_birth as date) <= {extract_date}
                then cast(date_of_birth as timestamp) end as pers_dob,
            cast(null as varchar) as pers_single_unique_id,
            cast(null as varchar) as pers_upn_unknown,
            cast(null as varchar) as pers_send_flag,
            case when cast(date_of_birth as date) > {extract_date}
                then cast(date_of_birth as timestamp) end as pers_expected_dob,
            cast(null as timestamp) as pers_death_date,
            cast(null as varchar) as pers_is_mother,
            cast(null as varchar) as pers_nationality
        from {raw("persons")}"""
    )
    con.execute(
        f"""create table ssd_linked_identifiers as select
            'NHS-' || person_id as link_table_id,
            person_id as link_person_id,
            'NHS Number' as link_identifier_type,
            nhs_number as link_identifier_value,
            cast(null as timestamp) as link_valid_from_date,
            cast(null as timestamp) as link_valid_to_date
        from {raw("persons")}
        where nhs_number is not null"""
    )
    con.execute(
        f"""create table ssd_address as select
            'ADDR-' || person_id as addr_table_id,
            person_id as addr_person_id,
            'HOME' as addr_address_type,
            cast(null as timestamp) as addr_address_start_date,
            cast(null as timestamp) as addr_address_end_date,
            postcode as addr_address_postcode,
            '{{"ROOM": "", "FLOOR": "", "FLAT": "", "BUILDING": "", "HOUSE": "'
                || coalesce(split_part(address_line_1, ' ', 1), '')
                || '", "STREET": "'
                || coalesce(substr(address_line_1, strpos(address_line_1, ' ') + 1), '')
                || '", "TOWN": "", "UPRN": "' || coalesce(uprn, '')
                || '", "EASTING": "", "NORTHING": ""}}' as addr_address_json
        from {raw("persons")}"""
    )
    con.execute(
        f"""create table ssd_disability as select
            'DISA-' || person_id as disa_table_id,
            person_id as disa_person_id,
            {case_sql(DISABILITY, "disabled")} as disa_disability_code
        from {raw("persons")}
        where disabled is not null"""
    )

    # --- front door and referrals -----------------------------------------------------------
    con.execute(
        f"""create table ssd_contacts as select
            contact_id as cont_contact_id,
            person_id as cont_person_id,
            cast(contact_datetime as timestamp) as cont_contact_date,
            source_code as cont_contact_source_code,
            {case_sql(SOURCE, "source_code")} as cont_contact_source_desc,
            {_contact_outcome_json("outcome")} as cont_contact_outcome_json
        from {raw("contacts")}"""
    )
    con.execute(
        f"""create table ssd_cin_episodes as select
            referral_id as cine_referral_id,
            person_id as cine_person_id,
            cast(referral_date as timestamp) as cine_referral_date,
            primary_need_code as cine_cin_primary_need_code,
            source_code as cine_referral_source_code,
            {case_sql(SOURCE, "source_code")} as cine_referral_source_desc,
            cast(null as varchar) as cine_referral_outcome_json,
            nfa as cine_referral_nfa,
            closure_reason as cine_close_reason,
            cast(closure_date as timestamp) as cine_close_date,
            cast(null as varchar) as cine_referral_team,
            cast(null as varchar) as cine_referral_worker_id
        from {raw("referrals")}"""
    )
    con.execute(
        f"""create table ssd_cin_assessments as select
            assessment_id as cina_assessment_id,
            person_id as cina_person_id,
            referral_id as cina_referral_id,
            cast(start_date as timestamp) as cina_assessment_start_date,
            cast(null as varchar) as cina_assessment_child_seen,
            cast(authorised_date as timestamp) as cina_assessment_auth_date,
            cast(null as varchar) as cina_assessment_outcome_json,
            cast(null as varchar) as cina_assessment_outcome_nfa,
            cast(null as varchar) as cina_assessment_team,
            cast(null as varchar) as cina_assessment_worker_id
        from {raw("assessments")}"""
    )
    # One factors row per assessment (an assessment held twice has its factors once).
    con.execute(
        f"""create table ssd_assessment_factors as select distinct
            'CINF-' || assessment_id as cinf_table_id,
            assessment_id as cinf_assessment_id,
            '["' || replace(factors, ';', '","') || '"]' as cinf_assessment_factors_json
        from {raw("assessments")}
        where factors is not null"""
    )
    conference_flag = _s47_outcome_json(
        "case when icpc_not_required = 'Y' then 'N' when icpc_date is not null then 'Y' else '' end"
    )
    con.execute(
        f"""create table ssd_s47_enquiry as select
            s47_id as s47e_s47_enquiry_id,
            referral_id as s47e_referral_id,
            person_id as s47e_person_id,
            cast(start_date as timestamp) as s47e_s47_start_date,
            cast(null as timestamp) as s47e_s47_end_date,
            cast(null as varchar) as s47e_s47_nfa,
            {conference_flag} as s47e_s47_outcome_json,
            cast(null as varchar) as s47e_s47_completed_by_team,
            cast(null as varchar) as s47e_s47_completed_by_worker_id
        from {raw("s47_enquiries")}"""
    )
    # The CP plan an initial conference led to: the plan of the same referral starting on
    # the conference date (CIN census rule 2885).
    con.execute(
        f"""create table ssd_initial_cp_conference as
        with icpc as (
            select distinct s47_id, referral_id, person_id, cast(icpc_date as date) as icpc_date
            from {raw("s47_enquiries")}
            where icpc_date is not null
        ), plan as (
            select referral_id, cast(start_date as date) as start_date,
                min(cp_plan_id) as cp_plan_id
            from {raw("cp_plans")}
            group by referral_id, cast(start_date as date)
        )
        select
            'ICPC-' || i.s47_id as icpc_icpc_id,
            cast(null as varchar) as icpc_icpc_meeting_id,
            i.s47_id as icpc_s47_enquiry_id,
            i.person_id as icpc_person_id,
            p.cp_plan_id as icpc_cp_plan_id,
            i.referral_id as icpc_referral_id,
            'N' as icpc_icpc_transfer_in,
            cast(null as timestamp) as icpc_icpc_target_date,
            cast(i.icpc_date as timestamp) as icpc_icpc_date,
            case when p.cp_plan_id is null then 'N' else 'Y' end as icpc_icpc_outcome_cp_flag,
            cast(null as varchar) as icpc_icpc_outcome_json,
            cast(null as varchar) as icpc_icpc_team,
            cast(null as varchar) as icpc_icpc_worker_id
        from icpc i
        left join plan p on p.referral_id = i.referral_id and p.start_date = i.icpc_date"""
    )
    con.execute(
        f"""create table ssd_cp_plans as
        with icpc as (
            select referral_id, cast(icpc_date as date) as icpc_date, min(s47_id) as s47_id
            from {raw("s47_enquiries")}
            where icpc_date is not null
            group by referral_id, cast(icpc_date as date)
        )
        select
            c.cp_plan_id as cppl_cp_plan_id,
            c.referral_id as cppl_referral_id,
            case when i.s47_id is not null then 'ICPC-' || i.s47_id end as cppl_icpc_id,
            c.person_id as cppl_person_id,
            cast(c.start_date as timestamp) as cppl_cp_plan_start_date,
            cast(c.end_date as timestamp) as cppl_cp_plan_end_date,
            'N' as cppl_cp_plan_ola,
            {case_sql(CATEGORY, "c.initial_category")} as cppl_cp_plan_initial_category,
            {case_sql(CATEGORY, "c.latest_category")} as cppl_cp_plan_latest_category
        from {raw("cp_plans")} c
        left join icpc i
            on i.referral_id = c.referral_id and i.icpc_date = cast(c.start_date as date)"""
    )
    con.execute(
        f"""create table ssd_cin_plans as select
            cin_plan_id as cinp_cin_plan_id,
            referral_id as cinp_referral_id,
            person_id as cinp_person_id,
            cast(start_date as timestamp) as cinp_cin_plan_start_date,
            cast(end_date as timestamp) as cinp_cin_plan_end_date,
            cast(null as varchar) as cinp_cin_plan_team,
            cast(null as varchar) as cinp_cin_plan_worker_id
        from {raw("cin_plans")}"""
    )

    # --- looked after, missing, early help ----------------------------------------------------
    con.execute(
        f"""create table ssd_cla_episodes as select
            episode_id as clae_cla_episode_id,
            person_id as clae_person_id,
            cast(null as varchar) as clae_cla_placement_id,
            cast(start_date as timestamp) as clae_cla_episode_start_date,
            reason_new_episode as clae_cla_episode_start_reason,
            category_of_need as clae_cla_primary_need_code,
            cast(end_date as timestamp) as clae_cla_episode_ceased_date,
            reason_ceased as clae_cla_episode_ceased_reason,
            cast(null as varchar) as clae_cla_id,
            cast(null as varchar) as clae_referral_id,
            cast(null as timestamp) as clae_cla_last_iro_contact_date,
            cast(null as timestamp) as clae_entered_care_date
        from {raw("cla_episodes")}"""
    )
    # SSDA903 episodes change with the legal status: each episode's status is a legal
    # status record from the episode's start to its end.
    con.execute(
        f"""create table ssd_legal_status as select distinct
            'LEGA-' || episode_id as lega_legal_status_id,
            person_id as lega_person_id,
            legal_status as lega_legal_status,
            cast(start_date as timestamp) as lega_legal_status_start_date,
            cast(end_date as timestamp) as lega_legal_status_end_date
        from {raw("cla_episodes")}"""
    )
    con.execute(
        f"""create table ssd_missing as select
            missing_id as miss_table_id,
            person_id as miss_person_id,
            cast(start_datetime as timestamp) as miss_missing_episode_start_date,
            'Missing' as miss_missing_episode_type,
            cast(end_datetime as timestamp) as miss_missing_episode_end_date,
            rhi_offered as miss_missing_rhi_offered,
            cast(null as varchar) as miss_missing_rhi_accepted
        from {raw("missing_episodes")}"""
    )
    # A family hub registration is an early help episode with a family hub; the system
    # numbers the episodes (the raw extract has no id). No end date: the day a family stopped
    # attending is not known to the extract (docs/sources/csc-ssd.md).
    con.execute(
        f"""create table _family_hub as select
            'EH' || cast(row_number() over (order by person_id, registered_date) as varchar)
                as episode_id,
            person_id, registered_date, last_attended_date
        from {raw("family_hub")}"""
    )
    con.execute(
        f"""create table ssd_early_help_episodes as select
            episode_id as earl_episode_id,
            person_id as earl_person_id,
            cast(registered_date as timestamp) as earl_episode_start_date,
            cast(null as timestamp) as earl_episode_end_date,
            'Family hub registration' as earl_episode_reason,
            cast(null as varchar) as earl_episode_end_reason,
            '{FAMILY_HUB}' as earl_episode_organisation,
            cast(null as varchar) as earl_episode_worker_id
        from _family_hub"""
    )

    # --- the local extension: what the contract needs and the SSD lacks -----------------------
    # Items about a record are held once per record (distinct), even for a record the SSD
    # holds twice; a neglect tool record is kept as often as it is held.
    selects = [
        f"""select distinct '{item}-' || {record} as lext_table_id, '{item}' as lext_item_type,
                {record} as lext_record_id, person_id as lext_person_id,
                cast({value or "null"} as varchar) as lext_item_value,
                cast({date or "null"} as timestamp) as lext_item_date
            from {raw(entity)}
            where {" or ".join(f"{c} is not null" for c in (value, date) if c)}"""
        for item, entity, record, value, date in EXTENSION_ITEMS
    ]
    selects.append(
        """select 'FAMILY_HUB_LAST_ATTENDED-' || episode_id, 'FAMILY_HUB_LAST_ATTENDED',
                episode_id, person_id, cast(null as varchar),
                cast(last_attended_date as timestamp)
            from _family_hub where last_attended_date is not null"""
    )
    selects.append(
        f"""select 'NEGLECT_TOOL-' || tool_id, 'NEGLECT_TOOL', tool_id, person_id, tool,
                cast(completed_date as timestamp)
            from {raw("neglect_tools")}"""
    )
    con.execute("create table ssd_local_extension as " + "\nunion all\n".join(selects))
    con.execute("drop table _family_hub")
