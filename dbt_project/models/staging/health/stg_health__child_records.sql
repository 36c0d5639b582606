-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- health child_records: the current delivery, typed.
with

source as (
    select * from {{ source('health', 'child_records') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'health'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.person_id as person_id,
        source.service as service,
        cast(source.record_opened_date as date) as record_opened_date,
        case source.significant_adults_recorded when 'Y' then true when 'N' then false end as significant_adults_recorded,
        case source.safeguarding_flag when 'Y' then true when 'N' then false end as safeguarding_flag
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
