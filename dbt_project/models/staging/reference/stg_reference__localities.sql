-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- reference localities: the current delivery, typed.
with

source as (
    select * from {{ source('reference', 'localities') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.locality_code,
        source.locality_name
    from source
),

final as (
    select * from renamed
)

select * from final
