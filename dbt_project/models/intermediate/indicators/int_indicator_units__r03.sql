-- R03 Supervised adults living with a child on a neglect plan (cases, snapshot).
-- Denominator: adult cases (provider PS, NPS or CRC) open at period_end; numerator: … whose
-- person's household_token is that of a child with an open neglect plan (any of the child's
-- CSC person records' household tokens).
with

periods as (
    select * from {{ ref('int_periods') }}
),

cases as (
    {{ in_both_modes(ref('int_probation__cases_keyed')) }}
),

neglect_plans as (
    select * from {{ ref('int_plans_classified') }}
    where is_neglect_while_open
),

csc_persons as (
    {{ in_both_modes(ref('int_csc__persons_keyed')) }}
),

neglect_households as (
    select distinct
        neglect_plans.mode,
        periods.period_end,
        csc_persons.household_token
    from neglect_plans
    inner join periods
        on {{ open_at('neglect_plans.start_date', 'neglect_plans.end_date',
                      'periods.period_end') }}
    inner join csc_persons
        on neglect_plans.mode = csc_persons.mode
        and neglect_plans.child_key = csc_persons.child_key
    where csc_persons.household_token is not null
),

final as (
    select
        cases.mode,
        'R03' as indicator_id,
        periods.period_end as month_end,
        cases.case_id as unit_id,
        cast(null as varchar) as locality_code,
        neglect_households.household_token is not null as is_numerator
    from cases
    inner join periods
        on {{ open_at('cases.start_date', 'cases.end_date', 'periods.period_end') }}
    left join neglect_households
        on cases.mode = neglect_households.mode
        and periods.period_end = neglect_households.period_end
        and cases.household_token = neglect_households.household_token
    where cases.provider in ('PS', 'NPS', 'CRC')
)

select * from final
