-- H03A 'Was not brought' rate, all children (appointments, flow by scheduled_date).
-- Denominator: ATTENDED or WAS_NOT_BROUGHT appointments of persons aged 0–17 on the scheduled
-- date (the health person's birth month); numerator: … WAS_NOT_BROUGHT.
with

appointments as (
    {{ in_both_modes(ref('int_health__appointments_keyed')) }}
),

final as (
    select
        appointments.mode,
        'H03A' as indicator_id,
        {{ month_end("appointments.scheduled_date") }} as month_end,
        appointments.appointment_id as unit_id,
        cast(null as varchar) as locality_code,
        appointments.outcome = 'WAS_NOT_BROUGHT' as is_numerator
    from appointments
    where appointments.scheduled_date is not null
        and appointments.outcome in ('ATTENDED', 'WAS_NOT_BROUGHT')
        and {{ aged_between('appointments.birth_month', 'appointments.scheduled_date', 0, 17) }}
)

select * from final
