-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- police strategy_discussions: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('police', 'strategy_discussions') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.strategy_id,
        source.person_id,
        source.discussion_date
    from source
),

final as (
    select * from renamed
)

select * from final
