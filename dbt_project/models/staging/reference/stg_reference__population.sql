-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- reference population: the current delivery, typed.
with

source as (
    select * from {{ source('reference', 'population') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        cast(source.mid_year as integer) as mid_year,
        source.locality_code,
        cast(source.age as integer) as age,
        cast(source.population as integer) as population
    from source
),

final as (
    select * from renamed
)

select * from final
