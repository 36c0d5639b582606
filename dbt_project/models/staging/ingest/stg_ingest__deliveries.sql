-- Every delivery ingest recorded, whatever its state (agencies' and the partnership's
-- reference files'): one row per delivery.
with

source as (
    select * from {{ source('ingest', 'deliveries') }}
),

renamed as (
    select
        source.delivery_id,
        source.agency,
        cast(source.extract_date as date) as extract_date,
        source.arrived_at,
        source.processed_at,
        source.state,
        source.reasons,
        source.rows_in,
        source.rows_loaded,
        source.rows_rejected
    from source
),

final as (
    select * from renamed
)

select * from final
