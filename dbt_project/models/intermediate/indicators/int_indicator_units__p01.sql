-- P01 Voice of the child recorded in police notifications (notifications, flow by
-- notification date). Denominator: child notifications with child_present Y; numerator: …
-- with voice_of_child_recorded Y.
with

notifications as (
    {{ in_both_modes(ref('int_police__child_notifications_keyed')) }}
),

final as (
    select
        notifications.mode,
        'P01' as indicator_id,
        {{ month_end("cast(notifications.notification_datetime as date)") }} as month_end,
        notifications.notification_id as unit_id,
        cast(null as varchar) as locality_code,
        notifications.voice_of_child_recorded as is_numerator
    from notifications
    where cast(notifications.notification_datetime as date) is not null
        and notifications.child_present
)

select * from final
