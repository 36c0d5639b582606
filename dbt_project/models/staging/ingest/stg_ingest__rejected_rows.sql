-- Every row ingest rejected, of every delivery: one row per problem found (a row can have
-- more than one), with the column and the rule.
with

source as (
    select * from {{ source('ingest', 'rejected_rows') }}
),

renamed as (
    select
        source.delivery_id,
        source.entity,
        source.line as source_line,
        source.column_name,
        source.rule,
        source.message
    from source
),

final as (
    select * from renamed
)

select * from final
