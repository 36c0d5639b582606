-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- health antenatal_bookings: the current delivery, typed.
with

source as (
    select * from {{ source('health', 'antenatal_bookings') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'health'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.booking_id as booking_id,
        source.person_id as person_id,
        cast(source.booking_date as date) as booking_date,
        cast(source.expected_delivery_date as date) as expected_delivery_date,
        case source.safeguarding_concern when 'Y' then true when 'N' then false end as safeguarding_concern,
        cast(source.health_visitor_notified_date as date) as health_visitor_notified_date
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
