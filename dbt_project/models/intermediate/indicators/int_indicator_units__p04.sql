-- P04 Domestic abuse notifications shared with CSC within 24 hours (notifications, flow by
-- notification date). Denominator: child notifications linked to a DOMESTIC_ABUSE incident;
-- numerator: … with shared_with_csc_datetime − incident_datetime ≤ 24 h (as written).
with

notifications as (
    {{ in_both_modes(ref('int_police__child_notifications_keyed')) }}
),

incidents as (
    {{ in_both_modes(ref('int_police__incidents_keyed')) }}
),

domestic_abuse as (
    select
        notifications.mode,
        notifications.notification_id,
        notifications.notification_datetime,
        notifications.shared_with_csc_datetime,
        incidents.incident_datetime
    from notifications
    inner join incidents
        on notifications.mode = incidents.mode
        and notifications.incident_id = incidents.incident_id
    where incidents.incident_type = 'DOMESTIC_ABUSE'
),

final as (
    select
        domestic_abuse.mode,
        'P04' as indicator_id,
        {{ month_end("cast(domestic_abuse.notification_datetime as date)") }} as month_end,
        domestic_abuse.notification_id as unit_id,
        cast(null as varchar) as locality_code,
        coalesce(
            domestic_abuse.shared_with_csc_datetime
            <= domestic_abuse.incident_datetime + interval '24 hours',
            false
        ) as is_numerator
    from domestic_abuse
    where cast(domestic_abuse.notification_datetime as date) is not null
)

select * from final
