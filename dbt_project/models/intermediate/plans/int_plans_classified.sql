{#
    CP and CIN plans in one table, per mode (macro in_both_modes), with their neglect status
    (indicators.md §1):
    - a CP plan is a neglect plan while open when its latest_category is NEG, and a neglect
      plan at its start when its initial_category is NEG;
    - a CIN plan is a neglect plan when its referral has an assessment whose factors include
      16A. In the clean mode only usable assessments count: an assessment that breaks a rule
      does not make a CIN plan a neglect plan. The assessment is matched by referral_id; its
      date does not matter (the plan's classification is the same at every date).
#}
with

cp_plans as (
    {{ in_both_modes(ref('int_csc__cp_plans_keyed')) }}
),

cin_plans as (
    {{ in_both_modes(ref('int_csc__cin_plans_keyed')) }}
),

assessments as (
    {{ in_both_modes(ref('int_csc__assessments_keyed')) }}
),

neglect_referrals as (
    select distinct
        assessments.mode,
        assessments.referral_id
    from assessments
    where ';' || assessments.factors || ';' like '%;16A;%'
),

cp as (
    select
        cp_plans.mode,
        'CP' as plan_type,
        cp_plans.cp_plan_id as plan_id,
        cp_plans.referral_id,
        cp_plans.person_id,
        cp_plans.child_key,
        cp_plans.birth_month,
        cp_plans.locality_code,
        cp_plans.household_token,
        cp_plans.start_date,
        cp_plans.end_date,
        cp_plans.initial_category,
        cp_plans.latest_category,
        cp_plans.latest_category = 'NEG' as is_neglect_while_open,
        cp_plans.initial_category = 'NEG' as is_neglect_at_start
    from cp_plans
),

cin as (
    select
        cin_plans.mode,
        'CIN' as plan_type,
        cin_plans.cin_plan_id as plan_id,
        cin_plans.referral_id,
        cin_plans.person_id,
        cin_plans.child_key,
        cin_plans.birth_month,
        cin_plans.locality_code,
        cin_plans.household_token,
        cin_plans.start_date,
        cin_plans.end_date,
        cast(null as varchar) as initial_category,
        cast(null as varchar) as latest_category,
        neglect_referrals.referral_id is not null as is_neglect_while_open,
        neglect_referrals.referral_id is not null as is_neglect_at_start
    from cin_plans
    left join neglect_referrals
        on cin_plans.mode = neglect_referrals.mode
        and cin_plans.referral_id = neglect_referrals.referral_id
),

final as (
    select * from cp
    union all
    select * from cin
)

select * from final
