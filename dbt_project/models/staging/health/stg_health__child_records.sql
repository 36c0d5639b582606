-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- health child_records: the current delivery, typed.
with

base_health__child_records as (
    select * from {{ ref('base_health__child_records') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'health'
),

renamed as (
    select
        base_health__child_records.delivery_id,
        base_health__child_records.source_line,
        base_health__child_records.person_id,
        base_health__child_records.service,
        cast(base_health__child_records.record_opened_date as date) as record_opened_date,
        case base_health__child_records.significant_adults_recorded when 'Y' then true when 'N' then false end as significant_adults_recorded,
        case base_health__child_records.safeguarding_flag when 'Y' then true when 'N' then false end as safeguarding_flag
    from base_health__child_records
    inner join base_ingest__current_deliveries
        on base_health__child_records.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
