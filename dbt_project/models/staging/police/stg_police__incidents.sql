-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- police incidents: the current delivery, typed.
with

source as (
    select * from {{ source('police', 'incidents') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'police'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.incident_id as incident_id,
        cast(source.incident_datetime as timestamp) as incident_datetime,
        source.incident_type as incident_type,
        source.locality_code as locality_code,
        source.household_token as household_token,
        case source.children_present when 'Y' then true when 'N' then false end as children_present
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
