-- H02 Expectant mothers with safeguarding concerns known to health visiting before birth
-- (bookings, flow by expected_delivery_date). Denominator: bookings with
-- safeguarding_concern Y; numerator: … with health_visitor_notified_date ≤
-- expected_delivery_date.
with

bookings as (
    {{ in_both_modes(ref('int_health__antenatal_bookings_keyed')) }}
),

final as (
    select
        bookings.mode,
        'H02' as indicator_id,
        {{ month_end("bookings.expected_delivery_date") }} as month_end,
        bookings.booking_id as unit_id,
        cast(null as varchar) as locality_code,
        coalesce(
            bookings.health_visitor_notified_date <= bookings.expected_delivery_date, false
        ) as is_numerator
    from bookings
    where bookings.expected_delivery_date is not null
        and bookings.safeguarding_concern
)

select * from final
