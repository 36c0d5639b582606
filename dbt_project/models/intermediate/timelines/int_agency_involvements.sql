{#
    When each child was known to police, health and probation (indicators.md §1, "known to an
    agency in a window"), per mode, as intervals [start_date, end_date): an event on day e is
    [e, e + 1); a flag, case or episode its own interval (end_date null while open); a health
    child record is open from record_opened_date. Matched by child key, never by household.
    Police: child notifications, flags, strategy discussions. Health: appointments (any
    outcome), ED attendances, child records. Probation: cases.
#}
with

notifications as (
    {{ in_both_modes(ref('int_police__child_notifications_keyed')) }}
),

flags as (
    {{ in_both_modes(ref('int_police__flags_keyed')) }}
),

strategy_discussions as (
    {{ in_both_modes(ref('int_police__strategy_discussions_keyed')) }}
),

appointments as (
    {{ in_both_modes(ref('int_health__appointments_keyed')) }}
),

ed_attendances as (
    {{ in_both_modes(ref('int_health__ed_attendances_keyed')) }}
),

child_records as (
    {{ in_both_modes(ref('int_health__child_records_keyed')) }}
),

cases as (
    {{ in_both_modes(ref('int_probation__cases_keyed')) }}
),

unioned as (
    select
        notifications.mode, 'police' as agency, notifications.child_key,
        cast(notifications.notification_datetime as date) as start_date,
        cast(notifications.notification_datetime as date) + 1 as end_date
    from notifications
    union all
    select flags.mode, 'police', flags.child_key, flags.start_date, flags.end_date
    from flags
    union all
    select
        strategy_discussions.mode, 'police', strategy_discussions.child_key,
        strategy_discussions.discussion_date, strategy_discussions.discussion_date + 1
    from strategy_discussions
    union all
    select
        appointments.mode, 'health', appointments.child_key,
        appointments.scheduled_date, appointments.scheduled_date + 1
    from appointments
    union all
    select
        ed_attendances.mode, 'health', ed_attendances.child_key,
        cast(ed_attendances.arrival_datetime as date),
        cast(ed_attendances.arrival_datetime as date) + 1
    from ed_attendances
    union all
    select
        child_records.mode, 'health', child_records.child_key,
        child_records.record_opened_date, cast(null as date)
    from child_records
    union all
    select cases.mode, 'probation', cases.child_key, cases.start_date, cases.end_date
    from cases
),

final as (
    select * from unioned
)

select * from final
