-- The consistency rules of extracts.md §6, one row per agency entity a rule is checked on (as
-- ingest checks them, plugins/neglect_warehouse/ingest/rules.py), with what each rule means.
-- The two rules checked on many entities are derived from the contract's columns: references
-- resolve (every entity but persons refers to a person or a case) and no event date after the
-- extract date (every entity with a date that may not lie in the future).
with

contract_columns as (
    select * from {{ ref('dim_dq_columns') }}
),

reference_rules as (
    select distinct
        contract_columns.agency,
        contract_columns.entity,
        'reference_resolves' as rule
    from contract_columns
    where contract_columns.column_name in ('person_id', 'case_id')
      and contract_columns.entity <> 'persons'
),

future_date_rules as (
    select distinct
        contract_columns.agency,
        contract_columns.entity,
        'no_future_date' as rule
    from contract_columns
    where contract_columns.validity_check = 'date_range'
      and not contract_columns.future_dates_allowed
),

agency_rules (agency, entity, rule) as (
    values
    ('csc', 'assessments', '1103'),
    ('csc', 's47_enquiries', '1105'),
    ('csc', 'cin_plans', '2889'),
    ('csc', 'cp_plans', '2889'),
    ('csc', 'cp_plans', '2885'),
    ('csc', 'cp_plans', '8925'),
    ('csc', 'cp_plans', '8935_8940'),
    ('csc', 'cin_plans', '4014'),
    ('csc', 'referrals', '8805_8810'),
    ('csc', 'assessments', '8869'),
    ('csc', 'contacts', 'decision_after_contact'),
    ('probation', 'safeguarding_checks', 'response_after_request')
),

rule_descriptions (rule, cin_rule, rule_description) as (
    values
    ('reference_resolves', null,
        'Every reference (person_id, referral_id, contact_id, incident_id, case_id) is to a '
        || 'record loaded in the same delivery.'),
    ('no_future_date', null,
        'No event date is after the extract date (expected delivery dates, due dates and the '
        || 'birth month of an unborn child in csc or health persons excepted).'),
    ('1103', '1103', 'The assessment starts on or after the referral date.'),
    ('1105', '1105', 'The S47 enquiry starts on or after the referral date.'),
    ('2889', '2889', 'The CIN or CP plan starts on or after the referral date.'),
    ('2885', '2885',
        'The CP plan starts on the ICPC date of an S47 enquiry of the same referral.'),
    ('8925', '8925', 'The CP plan does not end before it starts.'),
    ('8935_8940', '8935, 8940',
        'A child has at most one open CP plan and its plans do not overlap (the later-starting '
        || 'plan is the breach; on the same start date, the greater id).'),
    ('4014', '4014',
        'A child''s CIN plans do not overlap (the later-starting plan is the breach; on the same '
        || 'start date, the greater id).'),
    ('8805_8810', '8805, 8810', 'Closure date and closure reason are given together.'),
    ('8869', '8869', 'Assessment factor 21 (no factors identified) stands alone.'),
    ('decision_after_contact', null, 'The contact''s decision is not before the contact.'),
    ('response_after_request', null,
        'The response to a safeguarding check is not before its request.')
),

rules as (
    select * from reference_rules
    union all
    select * from future_date_rules
    union all
    select * from agency_rules
),

final as (
    select
        cast(rules.agency as varchar) as agency,
        cast(rules.entity as varchar) as entity,
        cast(rules.rule as varchar) as rule,
        cast(rule_descriptions.cin_rule as varchar) as cin_rule,
        cast(rule_descriptions.rule_description as varchar) as rule_description
    from rules
    left join rule_descriptions
        on rules.rule = rule_descriptions.rule
)

select * from final
