-- Every file of every delivery ingest read, with its row counts (rows in = loaded + rejected).
with

source as (
    select * from {{ source('ingest', 'delivery_files') }}
),

renamed as (
    select
        source.delivery_id,
        source.entity,
        source.file_name,
        source.rows_in,
        source.rows_loaded,
        source.rows_rejected
    from source
),

final as (
    select * from renamed
)

select * from final
