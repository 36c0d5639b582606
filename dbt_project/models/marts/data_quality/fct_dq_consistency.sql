-- Breaches of each consistency rule (extracts.md §6) per loaded delivery and entity
-- (outputs.md §4). Every rule checked on an entity has a row, 0 when nothing broke it, so a
-- trend shows 0 rather than a gap; a breach recorded under a rule the catalogue does not know
-- still gets its row (no breach is ever dropped).
with

agency_deliveries as (
    select * from {{ ref('int_agency_deliveries') }}
),

loaded_delivery_files as (
    select * from {{ ref('int_loaded_delivery_files') }}
),

rule_breaches as (
    select * from {{ ref('base_ingest__rule_breaches') }}
),

dq_rules as (
    select * from {{ ref('dim_dq_rules') }}
),

rule_texts as (
    select distinct
        dq_rules.rule,
        dq_rules.cin_rule,
        dq_rules.rule_description
    from dq_rules
),

loaded_deliveries as (
    select
        agency_deliveries.agency,
        agency_deliveries.delivery_id,
        agency_deliveries.extract_date
    from agency_deliveries
    where agency_deliveries.is_loaded
),

breaches as (
    select
        rule_breaches.delivery_id,
        rule_breaches.entity,
        rule_breaches.rule,
        count(*) as breach_count,
        count(distinct rule_breaches.source_line) as records_breaching
    from rule_breaches
    group by rule_breaches.delivery_id, rule_breaches.entity, rule_breaches.rule
),

expected_keys as (
    select
        loaded_deliveries.delivery_id,
        dq_rules.entity,
        dq_rules.rule
    from loaded_deliveries
    inner join dq_rules
        on loaded_deliveries.agency = dq_rules.agency
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
        cast(loaded_delivery_files.rows_loaded as bigint) as records_checked,
        cast(coalesce(breaches.breach_count, 0) as bigint) as breach_count,
        cast(coalesce(breaches.records_breaching, 0) as bigint) as records_breaching,
        100 * cast(coalesce(breaches.records_breaching, 0) as double precision)
        / nullif(loaded_delivery_files.rows_loaded, 0) as records_breaching_pct
    from report_keys
    inner join loaded_deliveries
        on report_keys.delivery_id = loaded_deliveries.delivery_id
    left join rule_texts
        on report_keys.rule = rule_texts.rule
    left join breaches
        on report_keys.delivery_id = breaches.delivery_id
        and report_keys.entity = breaches.entity
        and report_keys.rule = breaches.rule
    left join loaded_delivery_files
        on report_keys.delivery_id = loaded_delivery_files.delivery_id
        and report_keys.entity = loaded_delivery_files.entity
)

select * from final
