-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- csc missing_episodes: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('csc', 'missing_episodes') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.missing_id,
        source.person_id,
        source.start_datetime,
        source.end_datetime,
        source.rhi_offered,
        source.rhi_completed_date
    from source
),

final as (
    select * from renamed
)

select * from final
