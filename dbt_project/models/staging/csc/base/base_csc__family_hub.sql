-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- csc family_hub: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('csc', 'family_hub') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.person_id,
        source.registered_date,
        source.last_attended_date
    from source
),

final as (
    select * from renamed
)

select * from final
