-- R01 Pre-sentence safeguarding checks made (cases, flow by start). Denominator: cases
-- starting with children_in_household Y; numerator: … with a PRE_SENTENCE check requested on
-- or before the case start.
with

cases as (
    {{ in_both_modes(ref('int_probation__cases_keyed')) }}
),

checks as (
    {{ in_both_modes(ref('int_probation__safeguarding_checks_keyed')) }}
),

checked as (
    select distinct
        cases.mode,
        cases.case_id
    from cases
    inner join checks
        on cases.mode = checks.mode
        and cases.case_id = checks.case_id
        and checks.requested_date <= cases.start_date
    where checks.stage = 'PRE_SENTENCE'
),

final as (
    select
        cases.mode,
        'R01' as indicator_id,
        {{ month_end("cases.start_date") }} as month_end,
        cases.case_id as unit_id,
        cast(null as varchar) as locality_code,
        checked.case_id is not null as is_numerator
    from cases
    left join checked
        on cases.mode = checked.mode
        and cases.case_id = checked.case_id
    where cases.start_date is not null
        and cases.children_in_household = 'Y'
)

select * from final
