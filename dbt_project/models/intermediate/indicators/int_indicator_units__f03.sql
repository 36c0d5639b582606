-- F03 Assessments authorised within 45 working days (assessments, flow by authorised_date).
-- Numerator: wd(start_date, authorised_date) ≤ 45, working days excluding bank holidays.
with

calendar as (
    select * from {{ ref('int_calendar') }}
),

assessments as (
    {{ in_both_modes(ref('int_csc__assessments_keyed')) }}
),

final as (
    select
        assessments.mode,
        'F03' as indicator_id,
        {{ month_end("assessments.authorised_date") }} as month_end,
        assessments.assessment_id as unit_id,
        assessments.locality_code,
        coalesce({{ working_days('started', 'authorised') }} <= 45, false) as is_numerator
    from assessments
    left join calendar as started
        on assessments.start_date = started.calendar_date
    left join calendar as authorised
        on assessments.authorised_date = authorised.calendar_date
    where assessments.authorised_date is not null
)

select * from final
