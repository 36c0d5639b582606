-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- reference localities: the current delivery, typed.
with

source as (
    select * from {{ source('reference', 'localities') }}
),

renamed as (
    select
        _delivery_id as delivery_id,
        _line as source_line,
        locality_code,
        locality_name
    from source
),

final as (
    select * from renamed
)

select * from final
