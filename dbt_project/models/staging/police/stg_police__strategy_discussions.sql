-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- police strategy_discussions: the current delivery, typed.
with

source as (
    select * from {{ source('police', 'strategy_discussions') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'police'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.strategy_id as strategy_id,
        source.person_id as person_id,
        cast(source.discussion_date as date) as discussion_date
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
