-- Each agency's current delivery (its newest complete loaded delivery) and its extract date.
with

current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
),

final as (
    select
        current_deliveries.agency,
        current_deliveries.delivery_id,
        current_deliveries.extract_date,
        current_deliveries.arrived_at
    from current_deliveries
)

select * from final
