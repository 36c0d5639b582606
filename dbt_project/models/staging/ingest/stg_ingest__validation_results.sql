-- Every Great Expectations expectation ingest ran on the loaded rows, per delivery and entity.
with

source as (
    select * from {{ source('ingest', 'validation_results') }}
),

renamed as (
    select
        source.delivery_id,
        source.entity,
        source.expectation,
        source.column_name,
        source.success,
        source.element_count,
        source.unexpected_count
    from source
),

final as (
    select * from renamed
)

select * from final
