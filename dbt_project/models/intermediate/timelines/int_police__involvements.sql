{#
    When each child was known to police (indicators.md §1, "known to an agency in a window"),
    per mode, as intervals [start_date, end_date): a child notification or a strategy
    discussion on day e is [e, e + 1); a flag its own interval (end_date null while open).
    Matched by child key, never by household.
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

unioned as (
    select
        notifications.mode,
        notifications.agency,
        notifications.child_key,
        cast(notifications.notification_datetime as date) as start_date,
        cast(notifications.notification_datetime as date) + 1 as end_date
    from notifications
    union all
    select
        flags.mode,
        flags.agency,
        flags.child_key,
        flags.start_date,
        flags.end_date
    from flags
    union all
    select
        strategy_discussions.mode,
        strategy_discussions.agency,
        strategy_discussions.child_key,
        strategy_discussions.discussion_date as start_date,
        strategy_discussions.discussion_date + 1 as end_date
    from strategy_discussions
),

final as (
    select * from unioned
)

select * from final
