-- The consistency-rule breaches (extracts.md §6) of each agency's current delivery, one row
-- per breaching record and rule. Records are matched to staging rows by their source line.
with

rule_breaches as (
    select * from {{ ref('base_ingest__rule_breaches') }}
),

current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
),

final as (
    select
        current_deliveries.agency,
        rule_breaches.entity,
        rule_breaches.delivery_id,
        rule_breaches.record_id,
        rule_breaches.source_line,
        rule_breaches.rule,
        rule_breaches.message
    from rule_breaches
    inner join current_deliveries
        on rule_breaches.delivery_id = current_deliveries.delivery_id
)

select * from final
