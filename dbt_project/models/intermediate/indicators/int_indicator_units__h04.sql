-- H04 Mandated health-visiting reviews on time, children on a neglect CP plan (reviews =
-- child × review type × due date, flow by due_date). Denominator: mandated reviews
-- (NEW_BIRTH_VISIT, REVIEW_*) due in the window, whatever their outcome, of children with a
-- neglect CP plan (latest category NEG) open on the due date; numerator: … with an ATTENDED
-- appointment of that child, type and due date with scheduled_date ≤ due_date.
with

appointments as (
    {{ in_both_modes(ref('int_health__appointments_keyed')) }}
),

neglect_cp_plans as (
    select * from {{ ref('int_plans_classified') }}
    where plan_type = 'CP'
        and is_neglect_while_open
),

reviews as (
    select
        appointments.mode,
        appointments.child_key,
        appointments.appointment_type,
        appointments.due_date,
        max(
            case
                when
                    appointments.outcome = 'ATTENDED'
                    and appointments.scheduled_date <= appointments.due_date
                    then 1
                else 0
            end
        ) = 1 as is_on_time
    from appointments
    where appointments.appointment_type in (
            'NEW_BIRTH_VISIT', 'REVIEW_6_8_WEEK', 'REVIEW_12_MONTH', 'REVIEW_2_YEAR'
        )
        and appointments.due_date is not null
    group by
        appointments.mode,
        appointments.child_key,
        appointments.appointment_type,
        appointments.due_date
),

on_plan as (
    select distinct
        reviews.mode,
        reviews.child_key,
        reviews.appointment_type,
        reviews.due_date,
        reviews.is_on_time
    from reviews
    inner join neglect_cp_plans
        on reviews.mode = neglect_cp_plans.mode
        and reviews.child_key = neglect_cp_plans.child_key
        and {{ open_at('neglect_cp_plans.start_date', 'neglect_cp_plans.end_date',
                       'reviews.due_date') }}
),

final as (
    select
        on_plan.mode,
        'H04' as indicator_id,
        {{ month_end("on_plan.due_date") }} as month_end,
        on_plan.child_key || '|' || on_plan.appointment_type || '|'
        || cast(on_plan.due_date as varchar) as unit_id,
        cast(null as varchar) as locality_code,
        on_plan.is_on_time as is_numerator
    from on_plan
    where on_plan.due_date is not null
)

select * from final
