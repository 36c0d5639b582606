-- S02 Repeat neglect CP plans within 5 years (plans, flow by start). Denominator: CP plans
-- starting with initial category NEG whose child had an earlier CP plan (any category);
-- numerator: … where that most recent earlier plan had latest category NEG and ended
-- ≤ 1826 days before the new start.
with

plans as (
    select * from {{ ref('int_cp_plans_sequenced') }}
    where is_neglect_at_start
        and has_earlier_plan
),

final as (
    select
        plans.mode,
        'S02' as indicator_id,
        {{ month_end("plans.start_date") }} as month_end,
        plans.plan_id as unit_id,
        plans.locality_code,
        coalesce(
            plans.previous_latest_category = 'NEG'
            and plans.previous_end_date <= plans.start_date
            and plans.start_date - plans.previous_end_date <= 1826,
            false
        ) as is_numerator
    from plans
    where plans.start_date is not null
)

select * from final
