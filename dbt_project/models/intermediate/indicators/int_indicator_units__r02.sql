-- R02 Safeguarding checks answered within 5 working days (checks, flow by requested_date).
-- Numerator: checks with wd(requested_date, response_date) ≤ 5; unanswered checks stay in
-- the denominator.
with

calendar as (
    select * from {{ ref('int_calendar') }}
),

checks as (
    {{ in_both_modes(ref('int_probation__safeguarding_checks_keyed')) }}
),

final as (
    select
        checks.mode,
        'R02' as indicator_id,
        {{ month_end("checks.requested_date") }} as month_end,
        checks.check_id as unit_id,
        cast(null as varchar) as locality_code,
        coalesce({{ working_days('requested', 'answered') }} <= 5, false) as is_numerator
    from checks
    left join calendar as requested
        on checks.requested_date = requested.calendar_date
    left join calendar as answered
        on checks.response_date = answered.calendar_date
    where checks.requested_date is not null
)

select * from final
