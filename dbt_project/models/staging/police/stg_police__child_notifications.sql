-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- police child_notifications: the current delivery, typed.
with

base_police__child_notifications as (
    select * from {{ ref('base_police__child_notifications') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'police'
),

renamed as (
    select
        base_police__child_notifications.delivery_id,
        base_police__child_notifications.source_line,
        base_police__child_notifications.notification_id,
        base_police__child_notifications.incident_id,
        base_police__child_notifications.person_id,
        cast(base_police__child_notifications.notification_datetime as timestamp) as notification_datetime,
        base_police__child_notifications.risk_grade,
        case base_police__child_notifications.neglect_concern when 'Y' then true when 'N' then false end as neglect_concern,
        case base_police__child_notifications.child_present when 'Y' then true when 'N' then false end as child_present,
        case base_police__child_notifications.voice_of_child_recorded when 'Y' then true when 'N' then false end as voice_of_child_recorded,
        cast(base_police__child_notifications.shared_with_csc_datetime as timestamp) as shared_with_csc_datetime
    from base_police__child_notifications
    inner join base_ingest__current_deliveries
        on base_police__child_notifications.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
