-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc family_hub: the current delivery, typed.
with

source as (
    select * from {{ source('csc', 'family_hub') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.person_id as person_id,
        cast(source.registered_date as date) as registered_date,
        cast(source.last_attended_date as date) as last_attended_date
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
