-- S01 Neglect CP plans open 12 months or more (children, snapshot). Denominator: children
-- with an open neglect CP plan (latest category NEG); numerator: … whose plan started
-- ≥ 365 days before period_end.
with

periods as (
    select * from {{ ref('int_periods') }}
),

plans as (
    select * from {{ ref('int_plans_classified') }}
    where plan_type = 'CP'
        and is_neglect_while_open
),

qualifying as (
    select
        plans.mode,
        periods.period_end,
        plans.child_key,
        plans.start_date,
        plans.plan_id as record_id,
        plans.locality_code,
        periods.period_end - plans.start_date >= 365 as is_numerator
    from plans
    inner join periods
        on {{ open_at('plans.start_date', 'plans.end_date', 'periods.period_end') }}
),

{{ count_children('S01', 'qualifying') }}

select * from final
