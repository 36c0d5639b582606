-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- police persons: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('police', 'persons') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.person_id,
        source.person_token,
        source.person_alt_token,
        source.birth_month,
        source.sex
    from source
),

final as (
    select * from renamed
)

select * from final
