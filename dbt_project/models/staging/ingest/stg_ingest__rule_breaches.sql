-- The consistency-rule breaches (extracts.md §6) of each agency's current delivery, one row
-- per breaching record and rule. Records are matched to staging rows by their source line.
with

source as (
    select * from {{ source('ingest', 'rule_breaches') }}
),

current_delivery as (
    select * from {{ ref('stg_ingest__current_deliveries') }}
),

final as (
    select
        current_delivery.agency,
        source.entity,
        source.delivery_id,
        source.record_id,
        source.line as source_line,
        source.rule,
        source.message
    from source
    inner join current_delivery
        on source.delivery_id = current_delivery.delivery_id
)

select * from final
