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
    where int_plans_classified.plan_type = 'CP'
),

child_records as (
    {{ in_both_modes(ref('int_health__child_records_keyed')) }}
),

records_by_period as (
    select
        child_records.mode,
        periods.period_end,
        child_records.child_key,
        min(case when child_records.significant_adults_recorded then 1 else 0 end) = 1
            as all_name_significant_adults
    from child_records
    inner join periods
        on child_records.record_opened_date <= periods.period_end
    where child_records.service in ('HEALTH_VISITING', 'SCHOOL_NURSING')
    group by
        child_records.mode,
        periods.period_end,
        child_records.child_key
),

qualifying as (
    select
        cp_plans.mode,
        periods.period_end,
        cp_plans.child_key,
        cp_plans.start_date,
        cp_plans.plan_id as record_id,
        cp_plans.locality_code,
        records_by_period.all_name_significant_adults as is_numerator
    from cp_plans
    inner join periods
        on {{ open_at('cp_plans.start_date', 'cp_plans.end_date', 'periods.period_end') }}
    inner join records_by_period
        on cp_plans.mode = records_by_period.mode
        and periods.period_end = records_by_period.period_end
        and cp_plans.child_key = records_by_period.child_key
),

{{ count_children('H06', 'qualifying') }}

select * from final
