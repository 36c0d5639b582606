-- Each agency's current delivery (its newest complete loaded delivery; raw.current_deliveries,
-- a view ingest keeps), for the staging models that hold the current delivery only.
with

source as (
    select * from {{ source('ingest', 'current_deliveries') }}
),

renamed as (
    select
        source.agency,
        source.delivery_id,
        cast(source.extract_date as date) as extract_date,
        source.arrived_at
    from source
),

final as (
    select * from renamed
)

select * from final
