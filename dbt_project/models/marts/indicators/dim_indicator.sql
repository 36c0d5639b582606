-- The indicator catalogue (indicators.md §4): one row per indicator, from the
-- indicator_definitions seed.
with

definitions as (
    select * from {{ ref('indicator_definitions') }}
),

final as (
    select
        cast(definitions.indicator_id as varchar) as indicator_id,
        cast(definitions.theme as varchar) as theme,
        cast(definitions.title as varchar) as title,
        cast(
            case definitions.measure
                when 'rate'
                    then 'Rate per 10,000. Population: '
                        || definitions.denominator_definition || ' Count: '
                        || definitions.numerator_definition
                else 'Percentage. Denominator: ' || definitions.denominator_definition
                    || ' Numerator: ' || definitions.numerator_definition
            end as varchar
        ) as definition,
        cast(definitions.numerator_definition as varchar) as numerator_definition,
        cast(definitions.denominator_definition as varchar) as denominator_definition,
        cast(definitions.unit as varchar) as unit,
        cast(definitions.indicator_type as varchar) as indicator_type,
        cast(definitions.measure as varchar) as measure,
        cast(definitions.window_lag_months as integer) as window_lag_months,
        cast(definitions.polarity as varchar) as polarity,
        cast(definitions.target_value as double precision) as target_value,
        cast(definitions.target_source as varchar) as target_source,
        cast(definitions.comparator_value as double precision) as comparator_value,
        cast(definitions.comparator_year as varchar) as comparator_year,
        cast(definitions.comparator_source as varchar) as comparator_source,
        cast(definitions.comparator_indicator_id as varchar) as comparator_indicator_id,
        cast(definitions.agencies as varchar) as agencies,
        cast(definitions.has_locality_breakdown as boolean) as has_locality_breakdown,
        cast(definitions.caveats as varchar) as caveats
    from definitions
)

select * from final
