-- F11 Neglect tool used around the start of a neglect CP plan (plans, flow by start).
-- Denominator: CP plans starting with initial category NEG; numerator: … whose child has a
-- neglect_tools record completed within 90 days either side of the start.
with

plans as (
    select * from {{ ref('int_plans_classified') }}
    where plan_type = 'CP'
        and is_neglect_at_start
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
        {{ month_end("plans.start_date") }} as month_end,
        plans.plan_id as unit_id,
        plans.locality_code,
        with_tool.plan_id is not null as is_numerator
    from plans
    left join with_tool
        on plans.mode = with_tool.mode
        and plans.plan_id = with_tool.plan_id
    where plans.start_date is not null
)

select * from final
