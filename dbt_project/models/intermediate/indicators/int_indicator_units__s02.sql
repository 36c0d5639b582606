-- S02 Repeat neglect CP plans within 5 years (plans, flow by start). Denominator: CP plans
-- starting with initial category NEG whose child had an earlier CP plan (any category);
-- numerator: … where that most recent earlier plan had latest category NEG and ended
-- ≤ 1826 days before the new start.
with

periods as (
    select * from {{ ref('int_periods') }}
),

plans as (
    select * from {{ ref('int_cp_plans_sequenced') }}
    where int_cp_plans_sequenced.is_neglect_at_start
      and int_cp_plans_sequenced.has_earlier_plan
),

final as (
    select
        plans.mode,
        'S02' as indicator_id,
        periods.period_end,
        plans.plan_id as unit_id,
        plans.locality_code,
        coalesce(
            plans.previous_latest_category = 'NEG'
            and plans.previous_end_date <= plans.start_date
            and plans.start_date - plans.previous_end_date <= 1826,
            false
        ) as is_numerator
    from plans
    inner join periods
        on {{ in_flow_window('plans.start_date') }}
)

select * from final
