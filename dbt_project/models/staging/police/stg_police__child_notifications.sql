-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- police child_notifications: the current delivery, typed.
with

source as (
    select * from {{ source('police', 'child_notifications') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'police'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.notification_id as notification_id,
        source.incident_id as incident_id,
        source.person_id as person_id,
        cast(source.notification_datetime as timestamp) as notification_datetime,
        source.risk_grade as risk_grade,
        case source.neglect_concern when 'Y' then true when 'N' then false end as neglect_concern,
        case source.child_present when 'Y' then true when 'N' then false end as child_present,
        case source.voice_of_child_recorded when 'Y' then true when 'N' then false end as voice_of_child_recorded,
        cast(source.shared_with_csc_datetime as timestamp) as shared_with_csc_datetime
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
