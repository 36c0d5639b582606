-- H05 Children on a neglect plan known to health (children, snapshot). Denominator: children
-- with an open neglect plan (CP latest category NEG or CIN with 16A); numerator: … known to
-- health in the 365 days up to period_end (an appointment of any outcome or an ED attendance
-- dated in it, or a child record opened by period_end).
with

periods as (
    select * from {{ ref('int_periods') }}
),

neglect_plans as (
    select * from {{ ref('int_plans_classified') }}
    where is_neglect_while_open
),

involvements as (
    select * from {{ ref('int_health__involvements') }}
),

open_plans as (
    select
        neglect_plans.mode,
        periods.period_end,
        neglect_plans.child_key,
        neglect_plans.start_date,
        neglect_plans.plan_id as record_id,
        neglect_plans.locality_code
    from neglect_plans
    inner join periods
        on {{ open_at('neglect_plans.start_date', 'neglect_plans.end_date',
                      'periods.period_end') }}
),

known as (
    select distinct
        open_plans.mode,
        open_plans.period_end,
        open_plans.child_key
    from open_plans
    inner join involvements
        on open_plans.mode = involvements.mode
        and open_plans.child_key = involvements.child_key
        and {{ open_in_days_up_to('involvements.start_date', 'involvements.end_date',
                                  'open_plans.period_end', 365) }}
),

qualifying as (
    select
        open_plans.*,
        known.child_key is not null as is_numerator
    from open_plans
    left join known
        on open_plans.mode = known.mode
        and open_plans.period_end = known.period_end
        and open_plans.child_key = known.child_key
),

{{ count_children('H05', 'qualifying') }}

select * from final
