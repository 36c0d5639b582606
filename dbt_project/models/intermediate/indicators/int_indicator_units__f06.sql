-- F06 CP plans ending after 2 years or more (plans, flow by end). Numerator: plans lasting
-- ≥ 730 days (end_date − start_date).
with

plans as (
    select * from {{ ref('int_plans_classified') }}
    where plan_type = 'CP'
),

final as (
    select
        plans.mode,
        'F06' as indicator_id,
        {{ month_end("plans.end_date") }} as month_end,
        plans.plan_id as unit_id,
        plans.locality_code,
        plans.end_date - plans.start_date >= 730 as is_numerator
    from plans
    where plans.end_date is not null
)

select * from final
