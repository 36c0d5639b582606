-- F07 CP plans with neglect as the category (children, snapshot). Denominator: children with
-- an open CP plan; numerator: … whose plan's latest category is NEG.
with

periods as (
    select * from {{ ref('int_periods') }}
),

plans as (
    select * from {{ ref('int_plans_classified') }}
    where plan_type = 'CP'
),

qualifying as (
    select
        plans.mode,
        periods.period_end,
        plans.child_key,
        plans.start_date,
        plans.plan_id as record_id,
        plans.locality_code,
        plans.latest_category = 'NEG' as is_numerator
    from plans
    inner join periods
        on {{ open_at('plans.start_date', 'plans.end_date', 'periods.period_end') }}
),

{{ count_children('F07', 'qualifying') }}

select * from final
