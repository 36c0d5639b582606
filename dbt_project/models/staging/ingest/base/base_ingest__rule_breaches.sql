-- Every record of every delivery breaking a consistency rule (extracts.md §6), as ingest
-- recorded it: the history the data quality report counts (fct_dq_consistency,
-- fct_dq_columns), and the current deliveries' breaches (stg_ingest__rule_breaches).
with

source as (
    select * from {{ source('ingest', 'rule_breaches') }}
),

renamed as (
    select
        source.delivery_id,
        source.entity,
        source.record_id,
        source.line as source_line,
        source.rule,
        source.message
    from source
),

final as (
    select * from renamed
)

select * from final
