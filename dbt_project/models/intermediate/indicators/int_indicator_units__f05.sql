-- F05 CP plans that are a second or subsequent plan (plans, flow by start). Numerator: plans
-- whose child had an earlier CP plan (any category, any time).
with

plans as (
    select * from {{ ref('int_cp_plans_sequenced') }}
),

final as (
    select
        plans.mode,
        'F05' as indicator_id,
        {{ month_end("plans.start_date") }} as month_end,
        plans.plan_id as unit_id,
        plans.locality_code,
        plans.has_earlier_plan as is_numerator
    from plans
    where plans.start_date is not null
)

select * from final
