{#
    CP plans per mode with the child's most recent earlier CP plan (the one starting last
    before this plan's start; on the same start date, the one with the greater id goes
    later). In the clean mode a plan that breaks a rule is not an earlier plan of anyone.
#}
with

plans as (
    select * from {{ ref('int_plans_classified') }}
    where plan_type = 'CP'
),

sequenced as (
    select
        plans.*,
        row_number() over (
            partition by plans.mode, plans.child_key
            order by plans.start_date, plans.plan_id
        ) as plan_number,
        lag(plans.plan_id) over (
            partition by plans.mode, plans.child_key
            order by plans.start_date, plans.plan_id
        ) as previous_plan_id,
        lag(plans.start_date) over (
            partition by plans.mode, plans.child_key
            order by plans.start_date, plans.plan_id
        ) as previous_start_date,
        lag(plans.end_date) over (
            partition by plans.mode, plans.child_key
            order by plans.start_date, plans.plan_id
        ) as previous_end_date,
        lag(plans.latest_category) over (
            partition by plans.mode, plans.child_key
            order by plans.start_date, plans.plan_id
        ) as previous_latest_category
    from plans
),

final as (
    select
        sequenced.*,
        sequenced.previous_plan_id is not null as has_earlier_plan
    from sequenced
)

select * from final
