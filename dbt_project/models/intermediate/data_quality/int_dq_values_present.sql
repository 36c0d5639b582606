-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- The values present in each optional contract column of every agency entity, per loaded
-- delivery (fct_dq_columns: the completeness of optional columns, which Great Expectations
-- does not count). A table: it reads every agency's raw tables, so any agency's new data
-- rebuilds it.
{{ config(materialized="table") }}
with

base_csc__persons as (
    select * from {{ ref('base_csc__persons') }}
),

base_csc__contacts as (
    select * from {{ ref('base_csc__contacts') }}
),

base_csc__referrals as (
    select * from {{ ref('base_csc__referrals') }}
),

base_csc__assessments as (
    select * from {{ ref('base_csc__assessments') }}
),

base_csc__s47_enquiries as (
    select * from {{ ref('base_csc__s47_enquiries') }}
),

base_csc__cin_plans as (
    select * from {{ ref('base_csc__cin_plans') }}
),

base_csc__cp_plans as (
    select * from {{ ref('base_csc__cp_plans') }}
),

base_csc__cla_episodes as (
    select * from {{ ref('base_csc__cla_episodes') }}
),

base_csc__missing_episodes as (
    select * from {{ ref('base_csc__missing_episodes') }}
),

base_csc__family_hub as (
    select * from {{ ref('base_csc__family_hub') }}
),

base_csc__neglect_tools as (
    select * from {{ ref('base_csc__neglect_tools') }}
),

base_police__persons as (
    select * from {{ ref('base_police__persons') }}
),

base_police__incidents as (
    select * from {{ ref('base_police__incidents') }}
),

base_police__child_notifications as (
    select * from {{ ref('base_police__child_notifications') }}
),

base_police__flags as (
    select * from {{ ref('base_police__flags') }}
),

base_health__persons as (
    select * from {{ ref('base_health__persons') }}
),

base_health__appointments as (
    select * from {{ ref('base_health__appointments') }}
),

base_health__antenatal_bookings as (
    select * from {{ ref('base_health__antenatal_bookings') }}
),

base_health__adult_episodes as (
    select * from {{ ref('base_health__adult_episodes') }}
),

base_probation__persons as (
    select * from {{ ref('base_probation__persons') }}
),

base_probation__cases as (
    select * from {{ ref('base_probation__cases') }}
),

base_probation__safeguarding_checks as (
    select * from {{ ref('base_probation__safeguarding_checks') }}
),

counted_csc__persons as (
    select
        delivery_id,
        count(person_token) as person_token,
        count(person_alt_token) as person_alt_token,
        count(ethnicity) as ethnicity,
        count(disabled) as disabled,
        count(household_token) as household_token
    from base_csc__persons
    group by delivery_id
),

counted_csc__contacts as (
    select
        delivery_id,
        count(decision_datetime) as decision_datetime,
        count(outcome) as outcome
    from base_csc__contacts
    group by delivery_id
),

counted_csc__referrals as (
    select
        delivery_id,
        count(contact_id) as contact_id,
        count(primary_need_code) as primary_need_code,
        count(closure_date) as closure_date,
        count(closure_reason) as closure_reason
    from base_csc__referrals
    group by delivery_id
),

counted_csc__assessments as (
    select
        delivery_id,
        count(authorised_date) as authorised_date,
        count(factors) as factors
    from base_csc__assessments
    group by delivery_id
),

counted_csc__s47_enquiries as (
    select
        delivery_id,
        count(icpc_date) as icpc_date
    from base_csc__s47_enquiries
    group by delivery_id
),

counted_csc__cin_plans as (
    select
        delivery_id,
        count(end_date) as end_date
    from base_csc__cin_plans
    group by delivery_id
),

counted_csc__cp_plans as (
    select
        delivery_id,
        count(end_date) as end_date
    from base_csc__cp_plans
    group by delivery_id
),

counted_csc__cla_episodes as (
    select
        delivery_id,
        count(end_date) as end_date,
        count(reason_ceased) as reason_ceased
    from base_csc__cla_episodes
    group by delivery_id
),

counted_csc__missing_episodes as (
    select
        delivery_id,
        count(end_datetime) as end_datetime,
        count(rhi_offered) as rhi_offered,
        count(rhi_completed_date) as rhi_completed_date
    from base_csc__missing_episodes
    group by delivery_id
),

counted_csc__family_hub as (
    select
        delivery_id,
        count(last_attended_date) as last_attended_date
    from base_csc__family_hub
    group by delivery_id
),

counted_csc__neglect_tools as (
    select
        delivery_id,
        count(overall_grade) as overall_grade
    from base_csc__neglect_tools
    group by delivery_id
),

counted_police__persons as (
    select
        delivery_id,
        count(person_token) as person_token,
        count(person_alt_token) as person_alt_token,
        count(birth_month) as birth_month,
        count(sex) as sex
    from base_police__persons
    group by delivery_id
),

counted_police__incidents as (
    select
        delivery_id,
        count(locality_code) as locality_code,
        count(household_token) as household_token
    from base_police__incidents
    group by delivery_id
),

counted_police__child_notifications as (
    select
        delivery_id,
        count(incident_id) as incident_id,
        count(shared_with_csc_datetime) as shared_with_csc_datetime
    from base_police__child_notifications
    group by delivery_id
),

counted_police__flags as (
    select
        delivery_id,
        count(end_date) as end_date
    from base_police__flags
    group by delivery_id
),

counted_health__persons as (
    select
        delivery_id,
        count(person_token) as person_token,
        count(person_alt_token) as person_alt_token,
        count(sex) as sex,
        count(locality_code) as locality_code,
        count(household_token) as household_token
    from base_health__persons
    group by delivery_id
),

counted_health__appointments as (
    select
        delivery_id,
        count(requested_date) as requested_date,
        count(due_date) as due_date
    from base_health__appointments
    group by delivery_id
),

counted_health__antenatal_bookings as (
    select
        delivery_id,
        count(health_visitor_notified_date) as health_visitor_notified_date
    from base_health__antenatal_bookings
    group by delivery_id
),

counted_health__adult_episodes as (
    select
        delivery_id,
        count(end_date) as end_date
    from base_health__adult_episodes
    group by delivery_id
),

counted_probation__persons as (
    select
        delivery_id,
        count(person_token) as person_token,
        count(person_alt_token) as person_alt_token,
        count(sex) as sex,
        count(household_token) as household_token
    from base_probation__persons
    group by delivery_id
),

counted_probation__cases as (
    select
        delivery_id,
        count(end_date) as end_date,
        count(rosh_children) as rosh_children
    from base_probation__cases
    group by delivery_id
),

counted_probation__safeguarding_checks as (
    select
        delivery_id,
        count(response_date) as response_date,
        count(csc_known) as csc_known
    from base_probation__safeguarding_checks
    group by delivery_id
),

unioned as (
    select
        'csc' as agency,
        counted_csc__persons.delivery_id,
        'persons' as entity,
        'person_token' as column_name,
        counted_csc__persons.person_token as values_present
    from counted_csc__persons
    union all
    select
        'csc' as agency,
        counted_csc__persons.delivery_id,
        'persons' as entity,
        'person_alt_token' as column_name,
        counted_csc__persons.person_alt_token as values_present
    from counted_csc__persons
    union all
    select
        'csc' as agency,
        counted_csc__persons.delivery_id,
        'persons' as entity,
        'ethnicity' as column_name,
        counted_csc__persons.ethnicity as values_present
    from counted_csc__persons
    union all
    select
        'csc' as agency,
        counted_csc__persons.delivery_id,
        'persons' as entity,
        'disabled' as column_name,
        counted_csc__persons.disabled as values_present
    from counted_csc__persons
    union all
    select
        'csc' as agency,
        counted_csc__persons.delivery_id,
        'persons' as entity,
        'household_token' as column_name,
        counted_csc__persons.household_token as values_present
    from counted_csc__persons
    union all
    select
        'csc' as agency,
        counted_csc__contacts.delivery_id,
        'contacts' as entity,
        'decision_datetime' as column_name,
        counted_csc__contacts.decision_datetime as values_present
    from counted_csc__contacts
    union all
    select
        'csc' as agency,
        counted_csc__contacts.delivery_id,
        'contacts' as entity,
        'outcome' as column_name,
        counted_csc__contacts.outcome as values_present
    from counted_csc__contacts
    union all
    select
        'csc' as agency,
        counted_csc__referrals.delivery_id,
        'referrals' as entity,
        'contact_id' as column_name,
        counted_csc__referrals.contact_id as values_present
    from counted_csc__referrals
    union all
    select
        'csc' as agency,
        counted_csc__referrals.delivery_id,
        'referrals' as entity,
        'primary_need_code' as column_name,
        counted_csc__referrals.primary_need_code as values_present
    from counted_csc__referrals
    union all
    select
        'csc' as agency,
        counted_csc__referrals.delivery_id,
        'referrals' as entity,
        'closure_date' as column_name,
        counted_csc__referrals.closure_date as values_present
    from counted_csc__referrals
    union all
    select
        'csc' as agency,
        counted_csc__referrals.delivery_id,
        'referrals' as entity,
        'closure_reason' as column_name,
        counted_csc__referrals.closure_reason as values_present
    from counted_csc__referrals
    union all
    select
        'csc' as agency,
        counted_csc__assessments.delivery_id,
        'assessments' as entity,
        'authorised_date' as column_name,
        counted_csc__assessments.authorised_date as values_present
    from counted_csc__assessments
    union all
    select
        'csc' as agency,
        counted_csc__assessments.delivery_id,
        'assessments' as entity,
        'factors' as column_name,
        counted_csc__assessments.factors as values_present
    from counted_csc__assessments
    union all
    select
        'csc' as agency,
        counted_csc__s47_enquiries.delivery_id,
        's47_enquiries' as entity,
        'icpc_date' as column_name,
        counted_csc__s47_enquiries.icpc_date as values_present
    from counted_csc__s47_enquiries
    union all
    select
        'csc' as agency,
        counted_csc__cin_plans.delivery_id,
        'cin_plans' as entity,
        'end_date' as column_name,
        counted_csc__cin_plans.end_date as values_present
    from counted_csc__cin_plans
    union all
    select
        'csc' as agency,
        counted_csc__cp_plans.delivery_id,
        'cp_plans' as entity,
        'end_date' as column_name,
        counted_csc__cp_plans.end_date as values_present
    from counted_csc__cp_plans
    union all
    select
        'csc' as agency,
        counted_csc__cla_episodes.delivery_id,
        'cla_episodes' as entity,
        'end_date' as column_name,
        counted_csc__cla_episodes.end_date as values_present
    from counted_csc__cla_episodes
    union all
    select
        'csc' as agency,
        counted_csc__cla_episodes.delivery_id,
        'cla_episodes' as entity,
        'reason_ceased' as column_name,
        counted_csc__cla_episodes.reason_ceased as values_present
    from counted_csc__cla_episodes
    union all
    select
        'csc' as agency,
        counted_csc__missing_episodes.delivery_id,
        'missing_episodes' as entity,
        'end_datetime' as column_name,
        counted_csc__missing_episodes.end_datetime as values_present
    from counted_csc__missing_episodes
    union all
    select
        'csc' as agency,
        counted_csc__missing_episodes.delivery_id,
        'missing_episodes' as entity,
        'rhi_offered' as column_name,
        counted_csc__missing_episodes.rhi_offered as values_present
    from counted_csc__missing_episodes
    union all
    select
        'csc' as agency,
        counted_csc__missing_episodes.delivery_id,
        'missing_episodes' as entity,
        'rhi_completed_date' as column_name,
        counted_csc__missing_episodes.rhi_completed_date as values_present
    from counted_csc__missing_episodes
    union all
    select
        'csc' as agency,
        counted_csc__family_hub.delivery_id,
        'family_hub' as entity,
        'last_attended_date' as column_name,
        counted_csc__family_hub.last_attended_date as values_present
    from counted_csc__family_hub
    union all
    select
        'csc' as agency,
        counted_csc__neglect_tools.delivery_id,
        'neglect_tools' as entity,
        'overall_grade' as column_name,
        counted_csc__neglect_tools.overall_grade as values_present
    from counted_csc__neglect_tools
    union all
    select
        'police' as agency,
        counted_police__persons.delivery_id,
        'persons' as entity,
        'person_token' as column_name,
        counted_police__persons.person_token as values_present
    from counted_police__persons
    union all
    select
        'police' as agency,
        counted_police__persons.delivery_id,
        'persons' as entity,
        'person_alt_token' as column_name,
        counted_police__persons.person_alt_token as values_present
    from counted_police__persons
    union all
    select
        'police' as agency,
        counted_police__persons.delivery_id,
        'persons' as entity,
        'birth_month' as column_name,
        counted_police__persons.birth_month as values_present
    from counted_police__persons
    union all
    select
        'police' as agency,
        counted_police__persons.delivery_id,
        'persons' as entity,
        'sex' as column_name,
        counted_police__persons.sex as values_present
    from counted_police__persons
    union all
    select
        'police' as agency,
        counted_police__incidents.delivery_id,
        'incidents' as entity,
        'locality_code' as column_name,
        counted_police__incidents.locality_code as values_present
    from counted_police__incidents
    union all
    select
        'police' as agency,
        counted_police__incidents.delivery_id,
        'incidents' as entity,
        'household_token' as column_name,
        counted_police__incidents.household_token as values_present
    from counted_police__incidents
    union all
    select
        'police' as agency,
        counted_police__child_notifications.delivery_id,
        'child_notifications' as entity,
        'incident_id' as column_name,
        counted_police__child_notifications.incident_id as values_present
    from counted_police__child_notifications
    union all
    select
        'police' as agency,
        counted_police__child_notifications.delivery_id,
        'child_notifications' as entity,
        'shared_with_csc_datetime' as column_name,
        counted_police__child_notifications.shared_with_csc_datetime as values_present
    from counted_police__child_notifications
    union all
    select
        'police' as agency,
        counted_police__flags.delivery_id,
        'flags' as entity,
        'end_date' as column_name,
        counted_police__flags.end_date as values_present
    from counted_police__flags
    union all
    select
        'health' as agency,
        counted_health__persons.delivery_id,
        'persons' as entity,
        'person_token' as column_name,
        counted_health__persons.person_token as values_present
    from counted_health__persons
    union all
    select
        'health' as agency,
        counted_health__persons.delivery_id,
        'persons' as entity,
        'person_alt_token' as column_name,
        counted_health__persons.person_alt_token as values_present
    from counted_health__persons
    union all
    select
        'health' as agency,
        counted_health__persons.delivery_id,
        'persons' as entity,
        'sex' as column_name,
        counted_health__persons.sex as values_present
    from counted_health__persons
    union all
    select
        'health' as agency,
        counted_health__persons.delivery_id,
        'persons' as entity,
        'locality_code' as column_name,
        counted_health__persons.locality_code as values_present
    from counted_health__persons
    union all
    select
        'health' as agency,
        counted_health__persons.delivery_id,
        'persons' as entity,
        'household_token' as column_name,
        counted_health__persons.household_token as values_present
    from counted_health__persons
    union all
    select
        'health' as agency,
        counted_health__appointments.delivery_id,
        'appointments' as entity,
        'requested_date' as column_name,
        counted_health__appointments.requested_date as values_present
    from counted_health__appointments
    union all
    select
        'health' as agency,
        counted_health__appointments.delivery_id,
        'appointments' as entity,
        'due_date' as column_name,
        counted_health__appointments.due_date as values_present
    from counted_health__appointments
    union all
    select
        'health' as agency,
        counted_health__antenatal_bookings.delivery_id,
        'antenatal_bookings' as entity,
        'health_visitor_notified_date' as column_name,
        counted_health__antenatal_bookings.health_visitor_notified_date as values_present
    from counted_health__antenatal_bookings
    union all
    select
        'health' as agency,
        counted_health__adult_episodes.delivery_id,
        'adult_episodes' as entity,
        'end_date' as column_name,
        counted_health__adult_episodes.end_date as values_present
    from counted_health__adult_episodes
    union all
    select
        'probation' as agency,
        counted_probation__persons.delivery_id,
        'persons' as entity,
        'person_token' as column_name,
        counted_probation__persons.person_token as values_present
    from counted_probation__persons
    union all
    select
        'probation' as agency,
        counted_probation__persons.delivery_id,
        'persons' as entity,
        'person_alt_token' as column_name,
        counted_probation__persons.person_alt_token as values_present
    from counted_probation__persons
    union all
    select
        'probation' as agency,
        counted_probation__persons.delivery_id,
        'persons' as entity,
        'sex' as column_name,
        counted_probation__persons.sex as values_present
    from counted_probation__persons
    union all
    select
        'probation' as agency,
        counted_probation__persons.delivery_id,
        'persons' as entity,
        'household_token' as column_name,
        counted_probation__persons.household_token as values_present
    from counted_probation__persons
    union all
    select
        'probation' as agency,
        counted_probation__cases.delivery_id,
        'cases' as entity,
        'end_date' as column_name,
        counted_probation__cases.end_date as values_present
    from counted_probation__cases
    union all
    select
        'probation' as agency,
        counted_probation__cases.delivery_id,
        'cases' as entity,
        'rosh_children' as column_name,
        counted_probation__cases.rosh_children as values_present
    from counted_probation__cases
    union all
    select
        'probation' as agency,
        counted_probation__safeguarding_checks.delivery_id,
        'safeguarding_checks' as entity,
        'response_date' as column_name,
        counted_probation__safeguarding_checks.response_date as values_present
    from counted_probation__safeguarding_checks
    union all
    select
        'probation' as agency,
        counted_probation__safeguarding_checks.delivery_id,
        'safeguarding_checks' as entity,
        'csc_known' as column_name,
        counted_probation__safeguarding_checks.csc_known as values_present
    from counted_probation__safeguarding_checks
),

final as (
    select * from unioned
)

select * from final
