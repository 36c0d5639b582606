-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- health antenatal_bookings: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('health', 'antenatal_bookings') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.booking_id,
        source.person_id,
        source.booking_date,
        source.expected_delivery_date,
        source.safeguarding_concern,
        source.health_visitor_notified_date
    from source
),

final as (
    select * from renamed
)

select * from final
