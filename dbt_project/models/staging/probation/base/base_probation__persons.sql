-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- probation persons: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('probation', 'persons') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.person_id,
        source.person_token,
        source.person_alt_token,
        source.birth_month,
        source.sex,
        source.household_token
    from source
),

final as (
    select * from renamed
)

select * from final
