-- H03 'Was not brought' rate, children on a neglect plan (appointments, flow by
-- scheduled_date). Denominator: ATTENDED or WAS_NOT_BROUGHT appointments of children with a
-- neglect plan (CP with latest category NEG, or CIN with a 16A assessment) open on the
-- scheduled date; numerator: … WAS_NOT_BROUGHT.
with

appointments as (
    {{ in_both_modes(ref('int_health__appointments_keyed')) }}
),

neglect_plans as (
    select * from {{ ref('int_plans_classified') }}
    where is_neglect_while_open
),

on_plan as (
    select distinct
        appointments.mode,
        appointments.appointment_id,
        appointments.scheduled_date,
        appointments.outcome
    from appointments
    inner join neglect_plans
        on appointments.mode = neglect_plans.mode
        and appointments.child_key = neglect_plans.child_key
        and {{ open_at('neglect_plans.start_date', 'neglect_plans.end_date',
                       'appointments.scheduled_date') }}
    where appointments.outcome in ('ATTENDED', 'WAS_NOT_BROUGHT')
),

final as (
    select
        on_plan.mode,
        'H03' as indicator_id,
        {{ month_end("on_plan.scheduled_date") }} as month_end,
        on_plan.appointment_id as unit_id,
        cast(null as varchar) as locality_code,
        on_plan.outcome = 'WAS_NOT_BROUGHT' as is_numerator
    from on_plan
    where on_plan.scheduled_date is not null
)

select * from final
