-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- health antenatal_bookings: the current delivery, typed.
with

base_health__antenatal_bookings as (
    select * from {{ ref('base_health__antenatal_bookings') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'health'
),

current_rows as (
    select base_health__antenatal_bookings.*
    from base_health__antenatal_bookings
    inner join current_delivery
        on base_health__antenatal_bookings.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        booking_id,
        person_id,
        cast(booking_date as date) as booking_date,
        cast(expected_delivery_date as date) as expected_delivery_date,
        case safeguarding_concern when 'Y' then true when 'N' then false end
            as safeguarding_concern,
        cast(health_visitor_notified_date as date) as health_visitor_notified_date
    from current_rows
),

final as (
    select * from renamed
)

select * from final
