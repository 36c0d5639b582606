-- F08 Children on a CP plan per 10,000 (children, snapshot). The units are the children with an
-- open CP plan (the numerator, unborn children included); the denominator, the population
-- aged 0–17, is joined in fct_indicator_values.
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
        true as is_numerator
    from plans
    inner join periods
        on {{ open_at('plans.start_date', 'plans.end_date', 'periods.period_end') }}
),

{{ count_children('F08', 'qualifying') }}

select * from final
