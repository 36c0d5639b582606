-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- police strategy_discussions: the current delivery, typed.
with

base_police__strategy_discussions as (
    select * from {{ ref('base_police__strategy_discussions') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'police'
),

renamed as (
    select
        base_police__strategy_discussions.delivery_id,
        base_police__strategy_discussions.source_line,
        base_police__strategy_discussions.strategy_id,
        base_police__strategy_discussions.person_id,
        cast(base_police__strategy_discussions.discussion_date as date) as discussion_date
    from base_police__strategy_discussions
    inner join base_ingest__current_deliveries
        on base_police__strategy_discussions.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
