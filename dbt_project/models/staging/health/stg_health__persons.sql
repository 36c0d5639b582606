-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- health persons: the current delivery, typed.
with

source as (
    select * from {{ source('health', 'persons') }}
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
        source.person_token as person_token,
        source.person_alt_token as person_alt_token,
        cast(source.birth_month || '-01' as date) as birth_month,
        source.sex as sex,
        source.locality_code as locality_code,
        source.household_token as household_token
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
