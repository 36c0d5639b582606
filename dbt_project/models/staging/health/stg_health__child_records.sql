-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- health child_records: the current delivery, typed.
with

base_health__child_records as (
    select * from {{ ref('base_health__child_records') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'health'
),

current_rows as (
    select base_health__child_records.*
    from base_health__child_records
    inner join current_delivery
        on base_health__child_records.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        person_id,
        service,
        cast(record_opened_date as date) as record_opened_date,
        case significant_adults_recorded when 'Y' then true when 'N' then false end
            as significant_adults_recorded,
        case safeguarding_flag when 'Y' then true when 'N' then false end as safeguarding_flag
    from current_rows
),

final as (
    select * from renamed
)

select * from final
