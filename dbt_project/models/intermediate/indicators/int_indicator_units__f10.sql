-- F10 Neglect CP plans re-started within 12 months of ending (plans, flow, lagged).
-- Denominator: CP plans with latest category NEG ending in the 12 months ending
-- period_end − 12 months (two_years_ago_end < end_date ≤ year_ago_end); numerator: … whose
-- child started another CP plan 0 to 365 days after the end.
with

cp_plans as (
    select * from {{ ref('int_plans_classified') }}
    where plan_type = 'CP'
),

ended as (
    select * from cp_plans
    where is_neglect_while_open
        and end_date is not null
),

restarted as (
    select distinct
        ended.mode,
        ended.plan_id
    from ended
    inner join cp_plans as later
        on ended.mode = later.mode
        and ended.child_key = later.child_key
        and ended.plan_id <> later.plan_id
        and later.start_date - ended.end_date between 0 and 365
),

final as (
    select
        ended.mode,
        'F10' as indicator_id,
        {{ month_end("ended.end_date") }} as month_end,
        ended.plan_id as unit_id,
        ended.locality_code,
        restarted.plan_id is not null as is_numerator
    from ended
    left join restarted
        on ended.mode = restarted.mode
        and ended.plan_id = restarted.plan_id
    where ended.end_date is not null
)

select * from final
