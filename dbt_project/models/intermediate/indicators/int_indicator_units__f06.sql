-- F06 CP plans ending after 2 years or more (plans, flow by end). Numerator: plans lasting
-- ≥ 730 days (end_date − start_date).
with

periods as (
    select * from {{ ref('int_periods') }}
),

plans as (
    select * from {{ ref('int_plans_classified') }}
    where int_plans_classified.plan_type = 'CP'
),

final as (
    select
        plans.mode,
        'F06' as indicator_id,
        periods.period_end,
        plans.plan_id as unit_id,
        plans.locality_code,
        plans.end_date - plans.start_date >= 730 as is_numerator
    from plans
    inner join periods
        on {{ in_flow_window('plans.end_date') }}
)

select * from final
