"""The synthetic health system shaped on NHS England's national data sets
(docs/sources/health-nhs-datasets.md): a master patient index and the community record
(CSDS: CYP001 MPI, CYP101 referral, CYP102 service type referred to, CYP201 care contact,
CYP202 care activity), emergency department attendances (ECDS, with its safeguarding
concern and referred-to-service groups), antenatal bookings (MSDS: MSD101 pregnancy and
booking details, MSD109 findings and observations) and adult mental health and substance
misuse referrals (MHSDS: MHS101 referral, MHS102 service type referred to), with the data
sets' own code values. Built from the agency's raw extract by inverting the mapping's
translations (plugins/neglect_warehouse/agency/sources/health/nhs_datasets.yml)."""

from __future__ import annotations

from pathlib import Path

from neglect_synthetic.sources import case_sql

SYSTEM = "nhs_datasets"

# PERSON STATED GENDER CODE (NHS Data Dictionary): 1 male, 2 female, 9 indeterminate,
# X not known. The contract's U is written as X (not known); 9 only ever reads back as U.
GENDER = {"M": "1", "F": "2", "U": "X"}

# SNOMED CT service concepts (UK Services reference set / England-PracticeSetting value set)
# standing for SERVICE OR TEAM TYPE; the mapping also reads the alternatives it lists.
SERVICE = {
    "HEALTH_VISITING": "1078501000000104",  # Health visiting service
    "SCHOOL_NURSING": "931821000000105",  # School nursing service
    "GP": "788007007",  # General practice service
    "CAMHS": "310117003",  # Child and adolescent psychiatry service
    "DENTAL": "310147001",  # Pediatric dentistry service
    "PAEDIATRICS": "310067008",  # Community pediatric service
    "MIDWIFERY": "714088003",  # Midwifery service
}

# COMMUNITY CARE ACTIVITY TYPE (CSDS CYP202): 08-11 are the health visitor's mandated
# reviews, 97 other; L1 is this system's local code for the child protection health
# assessment asked for by an initial child protection conference (CSDS has none).
ACTIVITY_TYPE = {
    "NEW_BIRTH_VISIT": "08",
    "REVIEW_6_8_WEEK": "09",
    "REVIEW_12_MONTH": "10",
    "REVIEW_2_YEAR": "11",
    "ICPC_HEALTH_ASSESSMENT": "L1",
    "ROUTINE": "97",
}

# ATTENDED OR DID NOT ATTEND (NHS Data Dictionary). A child who was not brought is written
# as 3 (did not attend, no advance warning); 6 and 7 only ever read back.
ATTENDANCE = {
    "ATTENDED": "5",
    "WAS_NOT_BROUGHT": "3",
    "CANCELLED_BY_FAMILY": "2",
    "CANCELLED_BY_SERVICE": "4",
}

# SERVICE OR TEAM TYPE REFERRED TO (MENTAL HEALTH) (MHSDS MHS102).
MH_TEAM_TYPE = {
    "ADULT_MENTAL_HEALTH": "A06",  # Community Mental Health Team - Functional
    "SUBSTANCE_MISUSE": "D01",  # Substance Misuse Team
}

CHILD_SAFEGUARDING_CONCERN = "836881000000105"  # Child is cause for safeguarding concern
SOCIAL_SERVICES = "310134006"  # Social services
UNBORN_SAFEGUARDING_CONCERN = "878111000000109"  # Unborn child is cause for safeguarding concern


def build(con, raw_dir: Path, stamp: str) -> None:
    def raw(entity: str) -> str:
        path = raw_dir / f"health__{entity}__{stamp}.csv"
        return f"read_csv('{path}', header = true, all_varchar = true)"

    # CYP001 Master Patient Index: one index for every data set's patients.
    con.execute(
        f"""create table cyp001_mpi as select
            person_id as local_patient_identifier_extended,
            nhs_number,
            surname as person_family_name,
            forenames as person_given_name,
            cast(date_of_birth as date) as person_birth_date,
            {case_sql(GENDER, "sex")} as person_stated_gender_code,
            cast(uprn as bigint) as uprn,
            address_line_1,
            postcode as postcode_of_usual_address,
            locality_code
        from {raw("persons")}"""
    )

    # CYP101 referral + CYP102 service type referred to: the child's health visiting, school
    # nursing and general practice records. Each raw row is its own service request, so a
    # record delivered twice stays two referrals joined one-to-one with their team type.
    con.execute(
        f"""create temporary table child_record_stage as select
            'SR' || cast(row_number() over (order by person_id, service) as varchar)
                as service_request_identifier,
            *
        from {raw("child_records")}"""
    )
    con.execute(
        """create table cyp101_referral as select
            service_request_identifier,
            person_id as local_patient_identifier_extended,
            cast(record_opened_date as date) as referral_request_received_date,
            cast(null as date) as service_discharge_date,
            significant_adults_recorded,
            safeguarding_flag as safeguarding_alert
        from child_record_stage"""
    )
    con.execute(
        f"""create table cyp102_service_type_referred_to as select
            service_request_identifier,
            {case_sql(SERVICE, "service")} as service_or_team_type_referred_to
        from child_record_stage"""
    )
    con.execute("drop table child_record_stage")

    # CYP201 care contact + CYP202 care activity: one activity per care contact.
    con.execute(
        f"""create table cyp201_care_contact as select
            appointment_id as care_contact_identifier,
            person_id as local_patient_identifier_extended,
            cast(scheduled_date as date) as care_contact_date,
            {case_sql(SERVICE, "service")} as service_or_team_type,
            {case_sql(ATTENDANCE, "outcome")} as attended_or_did_not_attend,
            cast(requested_date as date) as icpc_request_date,
            cast(due_date as date) as hcp_review_due_date
        from {raw("appointments")}"""
    )
    con.execute(
        f"""create table cyp202_care_activity as select
            'CA' || appointment_id as care_activity_identifier,
            appointment_id as care_contact_identifier,
            {case_sql(ACTIVITY_TYPE, "appointment_type")} as community_care_activity_type
        from {raw("appointments")}
        qualify row_number() over (partition by appointment_id order by appointment_type) = 1"""
    )

    # ECDS attendance with its repeating safeguarding concern and referred-to-service groups.
    con.execute(
        f"""create table ecds_attendance as select
            attendance_id as emergency_care_attendance_identifier,
            person_id as local_patient_identifier_extended,
            cast(arrival_datetime as timestamp) as emergency_care_arrival_datetime
        from {raw("ed_attendances")}"""
    )
    con.execute(
        f"""create table ecds_safeguarding_concern as select distinct
            attendance_id as emergency_care_attendance_identifier,
            '{CHILD_SAFEGUARDING_CONCERN}' as safeguarding_concern_snomed_ct
        from {raw("ed_attendances")}
        where safeguarding_concern = 'Y'"""
    )
    con.execute(
        f"""create table ecds_referred_to_service as select distinct
            attendance_id as emergency_care_attendance_identifier,
            '{SOCIAL_SERVICES}' as referred_to_service_snomed_ct
        from {raw("ed_attendances")}
        where referred_to_csc = 'Y'"""
    )

    # MSD101 pregnancy and booking details + MSD109 findings and observations (mother).
    con.execute(
        f"""create table msd101_pregnancy_booking as select
            booking_id as pregnancy_identifier,
            person_id as local_patient_identifier_mother,
            cast(booking_date as date) as antenatal_app_date,
            cast(expected_delivery_date as date) as edd_agreed,
            cast(health_visitor_notified_date as date) as health_visitor_notified_date
        from {raw("antenatal_bookings")}"""
    )
    con.execute(
        f"""create table msd109_finding_obs_mother as select distinct
            booking_id as pregnancy_identifier,
            '{UNBORN_SAFEGUARDING_CONCERN}' as finding_code
        from {raw("antenatal_bookings")}
        where safeguarding_concern = 'Y'"""
    )

    # MHS101 referral + MHS102 service type referred to: one team type per referral.
    con.execute(
        f"""create table mhs101_referral as select
            episode_id as service_request_identifier,
            person_id as local_patient_identifier_extended,
            cast(start_date as date) as referral_request_received_date,
            cast(end_date as date) as service_discharge_date,
            child_risk_reviewed
        from {raw("adult_episodes")}"""
    )
    con.execute(
        f"""create table mhs102_service_type_referred_to as select
            episode_id as service_request_identifier,
            {case_sql(MH_TEAM_TYPE, "service")} as service_or_team_type_referred_to_mh
        from {raw("adult_episodes")}
        qualify row_number() over (partition by episode_id order by service) = 1"""
    )
