-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- police flags: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('police', 'flags') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.flag_id,
        source.person_id,
        source.flag_type,
        source.start_date,
        source.end_date
    from source
),

final as (
    select * from renamed
)

select * from final
