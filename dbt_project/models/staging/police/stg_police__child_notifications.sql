-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- police child_notifications: the current delivery, typed.
with

base_police__child_notifications as (
    select * from {{ ref('base_police__child_notifications') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'police'
),

current_rows as (
    select base_police__child_notifications.*
    from base_police__child_notifications
    inner join current_delivery
        on base_police__child_notifications.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        notification_id,
        incident_id,
        person_id,
        cast(notification_datetime as timestamp) as notification_datetime,
        risk_grade,
        case neglect_concern when 'Y' then true when 'N' then false end as neglect_concern,
        case child_present when 'Y' then true when 'N' then false end as child_present,
        case voice_of_child_recorded when 'Y' then true when 'N' then false end
            as voice_of_child_recorded,
        cast(shared_with_csc_datetime as timestamp) as shared_with_csc_datetime
    from current_rows
),

final as (
    select * from renamed
)

select * from final
