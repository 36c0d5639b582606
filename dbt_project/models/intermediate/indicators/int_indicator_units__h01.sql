-- H01 ICPC health assessments within 10 days (appointments, flow by requested_date).
-- Denominator: ICPC_HEALTH_ASSESSMENT appointments; numerator: … ATTENDED with
-- scheduled_date − requested_date ≤ 10.
with

appointments as (
    {{ in_both_modes(ref('int_health__appointments_keyed')) }}
),

final as (
    select
        appointments.mode,
        'H01' as indicator_id,
        {{ month_end("appointments.requested_date") }} as month_end,
        appointments.appointment_id as unit_id,
        cast(null as varchar) as locality_code,
        (
            appointments.outcome = 'ATTENDED'
            and appointments.scheduled_date - appointments.requested_date <= 10
        ) as is_numerator
    from appointments
    where appointments.requested_date is not null
        and appointments.appointment_type = 'ICPC_HEALTH_ASSESSMENT'
)

select * from final
