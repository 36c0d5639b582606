-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- health child_records: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('health', 'child_records') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.person_id,
        source.service,
        source.record_opened_date,
        source.significant_adults_recorded,
        source.safeguarding_flag
    from source
),

final as (
    select * from renamed
)

select * from final
