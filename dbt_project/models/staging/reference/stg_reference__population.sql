-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- reference population: the current delivery, typed.
with

source as (
    select * from {{ source('reference', 'population') }}
),

renamed as (
    select
        _delivery_id as delivery_id,
        _line as source_line,
        cast(mid_year as integer) as mid_year,
        locality_code,
        cast(age as integer) as age,
        cast(population as integer) as population
    from source
),

final as (
    select * from renamed
)

select * from final
