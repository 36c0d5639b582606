-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- police flags: the current delivery, typed.
with

source as (
    select * from {{ source('police', 'flags') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'police'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.flag_id as flag_id,
        source.person_id as person_id,
        source.flag_type as flag_type,
        cast(source.start_date as date) as start_date,
        cast(source.end_date as date) as end_date
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
