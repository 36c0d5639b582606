-- Every arrival of a delivery and what ingest made of it (a repeated arrival and a delivery
-- still waiting for its files included).
with

source as (
    select * from {{ source('ingest', 'delivery_events') }}
),

renamed as (
    select
        source.delivery_id,
        source.agency,
        cast(source.extract_date as date) as extract_date,
        source.arrived_at,
        source.event_at,
        source.state,
        source.note
    from source
),

final as (
    select * from renamed
)

select * from final
