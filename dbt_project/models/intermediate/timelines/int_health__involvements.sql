{#
    When each child was known to health (indicators.md §1, "known to an agency in a window"),
    per mode, as intervals [start_date, end_date): an appointment (any outcome) or an ED
    attendance on day e is [e, e + 1); a child record is open from record_opened_date.
    Matched by child key, never by household.
#}
with

appointments as (
    {{ in_both_modes(ref('int_health__appointments_keyed')) }}
),

ed_attendances as (
    {{ in_both_modes(ref('int_health__ed_attendances_keyed')) }}
),

child_records as (
    {{ in_both_modes(ref('int_health__child_records_keyed')) }}
),

unioned as (
    select
        appointments.mode,
        appointments.agency,
        appointments.child_key,
        appointments.scheduled_date as start_date,
        appointments.scheduled_date + 1 as end_date
    from appointments
    union all
    select
        ed_attendances.mode,
        ed_attendances.agency,
        ed_attendances.child_key,
        cast(ed_attendances.arrival_datetime as date) as start_date,
        cast(ed_attendances.arrival_datetime as date) + 1 as end_date
    from ed_attendances
    union all
    select
        child_records.mode,
        child_records.agency,
        child_records.child_key,
        child_records.record_opened_date as start_date,
        cast(null as date) as end_date
    from child_records
),

final as (
    select * from unioned
)

select * from final
