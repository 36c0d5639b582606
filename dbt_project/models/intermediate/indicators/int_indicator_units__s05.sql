-- S05 Under-6s on a neglect CP plan registered with a family hub (children, snapshot).
-- Denominator: children aged 0–5 (the unborn excluded) with an open neglect CP plan, the age
-- from the plan's CSC person; numerator: … with a family_hub registration on or before
-- period_end (a family_hub row of the same child).
with

periods as (
    select * from {{ ref('int_periods') }}
),

plans as (
    select * from {{ ref('int_plans_classified') }}
    where plan_type = 'CP'
        and is_neglect_while_open
),

family_hub as (
    {{ in_both_modes(ref('int_csc__family_hub_keyed')) }}
),

open_plans as (
    select
        plans.mode,
        periods.period_end,
        plans.child_key,
        plans.start_date,
        plans.plan_id as record_id,
        plans.locality_code
    from plans
    inner join periods
        on {{ open_at('plans.start_date', 'plans.end_date', 'periods.period_end') }}
        and {{ aged_between('plans.birth_month', 'periods.period_end', 0, 5) }}
),

engaged as (
    select distinct
        family_hub.mode,
        periods.period_end,
        family_hub.child_key
    from family_hub
    inner join periods
        on family_hub.registered_date <= periods.period_end
),

qualifying as (
    select
        open_plans.*,
        engaged.child_key is not null as is_numerator
    from open_plans
    left join engaged
        on open_plans.mode = engaged.mode
        and open_plans.period_end = engaged.period_end
        and open_plans.child_key = engaged.child_key
),

{{ count_children('S05', 'qualifying') }}

select * from final
