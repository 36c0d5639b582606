-- The areas indicators are reported for: the partnership (ALL) and each locality
-- (reference/localities.csv), with their names.
with

localities as (
    select * from {{ ref('stg_reference__localities') }}
),

final as (
    select
        cast('ALL' as varchar) as area_code,
        cast('Partnership' as varchar) as area_name,
        true as is_partnership
    union all
    select
        cast(localities.locality_code as varchar) as area_code,
        cast(localities.locality_name as varchar) as area_name,
        false as is_partnership
    from localities
)

select * from final
