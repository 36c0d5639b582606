-- M01 Children on a neglect CP plan known to two or more other agencies (children,
-- snapshot). Denominator: children with an open neglect CP plan; numerator: … known to at
-- least two of police, health and probation in the 365 days up to period_end.
with

periods as (
    select * from {{ ref('int_periods') }}
),

plans as (
    select * from {{ ref('int_plans_classified') }}
    where plan_type = 'CP'
        and is_neglect_while_open
),

involvements as (
    select * from {{ ref('int_agency_involvements') }}
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
),

agencies_knowing as (
    select
        open_plans.mode,
        open_plans.period_end,
        open_plans.child_key,
        count(distinct involvements.agency) as agencies
    from open_plans
    inner join involvements
        on open_plans.mode = involvements.mode
        and open_plans.child_key = involvements.child_key
        and {{ open_in_days_up_to('involvements.start_date', 'involvements.end_date',
                                  'open_plans.period_end', 365) }}
    group by
        open_plans.mode,
        open_plans.period_end,
        open_plans.child_key
),

qualifying as (
    select
        open_plans.*,
        coalesce(agencies_knowing.agencies >= 2, false) as is_numerator
    from open_plans
    left join agencies_knowing
        on open_plans.mode = agencies_knowing.mode
        and open_plans.period_end = agencies_knowing.period_end
        and open_plans.child_key = agencies_knowing.child_key
),

{{ count_children('M01', 'qualifying') }}

select * from final
