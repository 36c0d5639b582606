-- Breaches of each consistency rule (extracts.md §6) per loaded delivery and entity
-- (outputs.md §4). Every rule checked on an entity has a row, 0 when nothing broke it, so a
-- trend shows 0 rather than a gap; a breach recorded under a rule the catalogue does not know
-- still gets its row (no breach is ever dropped).
-- Reads the raw layer with source(): per-delivery history (docs/data-quality.md).
with

raw_deliveries as (
    select * from {{ source('ingest', 'deliveries') }}
),

raw_delivery_files as (
    select * from {{ source('ingest', 'delivery_files') }}
),

raw_rule_breaches as (
    select * from {{ source('ingest', 'rule_breaches') }}
),

rules as (
    select * from {{ ref('dim_dq_rules') }}
),

rule_texts as (
    select distinct
        rules.rule,
        rules.cin_rule,
        rules.rule_description
    from rules
),

loaded_deliveries as (
    select
        raw_deliveries.agency,
        raw_deliveries.delivery_id,
        raw_deliveries.extract_date
    from raw_deliveries
    where raw_deliveries.state in ('LOADED', 'LOADED_WITH_WARNINGS')
      and raw_deliveries.agency in ('csc', 'police', 'health', 'probation')
),

breaches as (
    select
        raw_rule_breaches.delivery_id,
        raw_rule_breaches.entity,
        raw_rule_breaches.rule,
        count(*) as breach_count,
        count(distinct raw_rule_breaches.line) as records_breaching
    from raw_rule_breaches
    group by raw_rule_breaches.delivery_id, raw_rule_breaches.entity, raw_rule_breaches.rule
),

expected_keys as (
    select
        loaded_deliveries.delivery_id,
        rules.entity,
        rules.rule
    from loaded_deliveries
    inner join rules
        on loaded_deliveries.agency = rules.agency
),

breached_keys as (
    select
        breaches.delivery_id,
        breaches.entity,
        breaches.rule
    from breaches
),

report_keys as (
    select * from expected_keys
    union
    select * from breached_keys
),

final as (
    select
        cast(loaded_deliveries.agency as varchar) as agency,
        cast(report_keys.delivery_id as varchar) as delivery_id,
        cast(loaded_deliveries.extract_date as date) as extract_date,
        cast(report_keys.entity as varchar) as entity,
        cast(report_keys.rule as varchar) as rule,
        cast(rule_texts.cin_rule as varchar) as cin_rule,
        cast(rule_texts.rule_description as varchar) as rule_description,
        cast(raw_delivery_files.rows_loaded as bigint) as records_checked,
        cast(coalesce(breaches.breach_count, 0) as bigint) as breach_count,
        cast(coalesce(breaches.records_breaching, 0) as bigint) as records_breaching,
        100 * cast(coalesce(breaches.records_breaching, 0) as double precision)
            / nullif(raw_delivery_files.rows_loaded, 0) as records_breaching_pct
    from report_keys
    inner join loaded_deliveries
        on report_keys.delivery_id = loaded_deliveries.delivery_id
    left join rule_texts
        on report_keys.rule = rule_texts.rule
    left join breaches
        on report_keys.delivery_id = breaches.delivery_id
        and report_keys.entity = breaches.entity
        and report_keys.rule = breaches.rule
    left join raw_delivery_files
        on report_keys.delivery_id = raw_delivery_files.delivery_id
        and report_keys.entity = raw_delivery_files.entity
)

select * from final
