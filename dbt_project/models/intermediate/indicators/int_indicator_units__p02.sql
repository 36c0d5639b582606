-- P02 Children on CP plans flagged on police systems (children, snapshot). Denominator:
-- children with an open CP plan; numerator: … with a police flag (CP_PLAN or
-- VULNERABLE_CHILD) open at period_end.
with

periods as (
    select * from {{ ref('int_periods') }}
),

cp_plans as (
    select * from {{ ref('int_plans_classified') }}
    where plan_type = 'CP'
),

flags as (
    {{ in_both_modes(ref('int_police__flags_keyed')) }}
),

flagged as (
    select distinct
        flags.mode,
        periods.period_end,
        flags.child_key
    from flags
    inner join periods
        on {{ open_at('flags.start_date', 'flags.end_date', 'periods.period_end') }}
    where flags.flag_type in ('CP_PLAN', 'VULNERABLE_CHILD')
),

qualifying as (
    select
        cp_plans.mode,
        periods.period_end,
        cp_plans.child_key,
        cp_plans.start_date,
        cp_plans.plan_id as record_id,
        cp_plans.locality_code,
        flagged.child_key is not null as is_numerator
    from cp_plans
    inner join periods
        on {{ open_at('cp_plans.start_date', 'cp_plans.end_date', 'periods.period_end') }}
    left join flagged
        on cp_plans.mode = flagged.mode
        and periods.period_end = flagged.period_end
        and cp_plans.child_key = flagged.child_key
),

{{ count_children('P02', 'qualifying') }}

select * from final
