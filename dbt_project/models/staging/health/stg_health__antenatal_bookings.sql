-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- health antenatal_bookings: the current delivery, typed.
with

base_health__antenatal_bookings as (
    select * from {{ ref('base_health__antenatal_bookings') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'health'
),

renamed as (
    select
        base_health__antenatal_bookings.delivery_id,
        base_health__antenatal_bookings.source_line,
        base_health__antenatal_bookings.booking_id,
        base_health__antenatal_bookings.person_id,
        cast(base_health__antenatal_bookings.booking_date as date) as booking_date,
        cast(base_health__antenatal_bookings.expected_delivery_date as date) as expected_delivery_date,
        case base_health__antenatal_bookings.safeguarding_concern when 'Y' then true when 'N' then false end as safeguarding_concern,
        cast(base_health__antenatal_bookings.health_visitor_notified_date as date) as health_visitor_notified_date
    from base_health__antenatal_bookings
    inner join base_ingest__current_deliveries
        on base_health__antenatal_bookings.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
