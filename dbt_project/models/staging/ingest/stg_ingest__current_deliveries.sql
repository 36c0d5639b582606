-- Each agency's current delivery (its newest complete loaded delivery) and its extract date.
with

source as (
    select * from {{ source('ingest', 'current_deliveries') }}
),

final as (
    select
        source.agency,
        source.delivery_id,
        cast(source.extract_date as date) as extract_date,
        source.arrived_at
    from source
)

select * from final
