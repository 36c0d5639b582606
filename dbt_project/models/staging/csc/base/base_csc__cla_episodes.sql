-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- csc cla_episodes: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('csc', 'cla_episodes') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.episode_id,
        source.person_id,
        source.start_date,
        source.end_date,
        source.reason_new_episode,
        source.legal_status,
        source.category_of_need,
        source.reason_ceased
    from source
),

final as (
    select * from renamed
)

select * from final
