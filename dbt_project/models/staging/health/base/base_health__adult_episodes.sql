-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- health adult_episodes: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('health', 'adult_episodes') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.episode_id,
        source.person_id,
        source.service,
        source.start_date,
        source.end_date,
        source.child_risk_reviewed
    from source
),

final as (
    select * from renamed
)

select * from final
