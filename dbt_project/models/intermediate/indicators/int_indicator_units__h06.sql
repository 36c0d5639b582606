-- H06 Health records of children on CP plans that name significant adults (children,
-- snapshot). Denominator: children with an open CP plan and a HEALTH_VISITING or
-- SCHOOL_NURSING child record opened on or before period_end; numerator: … all of whose such
-- records have significant_adults_recorded Y.
with

periods as (
    select * from {{ ref('int_periods') }}
),

cp_plans as (
    select * from {{ ref('int_plans_classified') }}
    where plan_type = 'CP'
),

child_records as (
    {{ in_both_modes(ref('int_health__child_records_keyed')) }}
),

open_plans as (
    select
        cp_plans.mode,
        periods.period_end,
        cp_plans.child_key,
        cp_plans.start_date,
        cp_plans.plan_id as record_id,
        cp_plans.locality_code
    from cp_plans
    inner join periods
        on {{ open_at('cp_plans.start_date', 'cp_plans.end_date', 'periods.period_end') }}
),

records_at_period as (
    select
        open_plans.mode,
        open_plans.period_end,
        open_plans.child_key,
        min(case when child_records.significant_adults_recorded then 1 else 0 end) = 1
            as all_name_significant_adults
    from open_plans
    inner join child_records
        on open_plans.mode = child_records.mode
        and open_plans.child_key = child_records.child_key
        and child_records.record_opened_date <= open_plans.period_end
    where child_records.service in ('HEALTH_VISITING', 'SCHOOL_NURSING')
    group by
        open_plans.mode,
        open_plans.period_end,
        open_plans.child_key
),

qualifying as (
    select
        open_plans.*,
        records_at_period.all_name_significant_adults as is_numerator
    from open_plans
    inner join records_at_period
        on open_plans.mode = records_at_period.mode
        and open_plans.period_end = records_at_period.period_end
        and open_plans.child_key = records_at_period.child_key
),

{{ count_children('H06', 'qualifying') }}

select * from final
