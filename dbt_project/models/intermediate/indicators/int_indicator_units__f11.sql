-- F11 Neglect tool used around the start of a neglect CP plan (plans, flow by start).
-- Denominator: CP plans starting with initial category NEG; numerator: … whose child has a
-- neglect_tools record completed within 90 days either side of the start.
with

periods as (
    select * from {{ ref('int_periods') }}
),

plans as (
    select * from {{ ref('int_plans_classified') }}
    where int_plans_classified.plan_type = 'CP'
      and int_plans_classified.is_neglect_at_start
),

tools as (
    {{ in_both_modes(ref('int_csc__neglect_tools_keyed')) }}
),

with_tool as (
    select distinct
        plans.mode,
        plans.plan_id
    from plans
    inner join tools
        on plans.mode = tools.mode
        and plans.child_key = tools.child_key
        and tools.completed_date >= plans.start_date - 90
        and tools.completed_date <= plans.start_date + 90
),

final as (
    select
        plans.mode,
        'F11' as indicator_id,
        periods.period_end,
        plans.plan_id as unit_id,
        plans.locality_code,
        with_tool.plan_id is not null as is_numerator
    from plans
    inner join periods
        on {{ in_flow_window('plans.start_date') }}
    left join with_tool
        on plans.mode = with_tool.mode
        and plans.plan_id = with_tool.plan_id
)

select * from final
