-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- police strategy_discussions: the current delivery, typed.
with

base_police__strategy_discussions as (
    select * from {{ ref('base_police__strategy_discussions') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'police'
),

current_rows as (
    select base_police__strategy_discussions.*
    from base_police__strategy_discussions
    inner join current_delivery
        on base_police__strategy_discussions.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        strategy_id,
        person_id,
        cast(discussion_date as date) as discussion_date
    from current_rows
),

final as (
    select * from renamed
)

select * from final
