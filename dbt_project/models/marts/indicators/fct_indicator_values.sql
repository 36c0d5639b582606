{#
    Every indicator (indicators.md §4) for every period and area, with its statistics
    (indicators.md §2) and the output contract of indicators.md §3.

    The int_indicator_units__* models give, per indicator and period, the units (children,
    contacts, plans …) of the denominator and whether each is in the numerator, in two modes:
    'clean' (records breaking a consistency rule left out: the published figures) and 'all'
    (nothing left out). excluded_records counts the units of 'all' that are not in 'clean'.

    A row exists for every period in which every agency the indicator draws on has current
    data reaching the period end, for area ALL and, where the indicator has a locality
    breakdown, for every locality; a period without units has denominator 0 and null value.
#}
{%- set indicator_ids = [
    's01', 's02', 's03', 's04', 's05', 's06', 's07',
    'f01', 'f02', 'f03', 'f04', 'f05', 'f06', 'f07', 'f08', 'f09', 'f10', 'f11',
    'h01', 'h02', 'h03', 'h03a', 'h04', 'h05', 'h06',
    'p01', 'p02', 'p03', 'p04',
    'r01', 'r02', 'r03',
    'm01',
] %}
with

indicators as (
    select * from {{ ref('dim_indicator') }}
),

periods as (
    select * from {{ ref('int_periods') }}
),

current_deliveries as (
    select * from {{ ref('stg_ingest__current_deliveries') }}
),

localities as (
    select * from {{ ref('stg_reference__localities') }}
),

population as (
    select * from {{ ref('stg_reference__population') }}
),

exact_limits as (
    select * from {{ ref('poisson_exact_limits') }}
),

units as (
    {% for indicator_id in indicator_ids -%}
    select
        units_{{ indicator_id }}.mode,
        units_{{ indicator_id }}.indicator_id,
        units_{{ indicator_id }}.period_end,
        units_{{ indicator_id }}.unit_id,
        units_{{ indicator_id }}.locality_code,
        units_{{ indicator_id }}.is_numerator
    from {{ ref('int_indicator_units__' ~ indicator_id) }} as units_{{ indicator_id }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

unit_areas as (
    select
        units.mode,
        units.indicator_id,
        units.period_end,
        units.unit_id,
        'ALL' as area_code,
        units.is_numerator
    from units
    union all
    select
        units.mode,
        units.indicator_id,
        units.period_end,
        units.unit_id,
        units.locality_code as area_code,
        units.is_numerator
    from units
    inner join indicators
        on units.indicator_id = indicators.indicator_id
    where indicators.has_locality_breakdown
      and units.locality_code is not null
),

clean_units as (
    select * from unit_areas
    where unit_areas.mode = 'clean'
),

all_units as (
    select * from unit_areas
    where unit_areas.mode = 'all'
),

clean_counts as (
    select
        clean_units.indicator_id,
        clean_units.period_end,
        clean_units.area_code,
        count(distinct case when clean_units.is_numerator then clean_units.unit_id end)
            as numerator,
        count(distinct clean_units.unit_id) as denominator
    from clean_units
    group by
        clean_units.indicator_id,
        clean_units.period_end,
        clean_units.area_code
),

clean_unit_ids as (
    select distinct
        clean_units.indicator_id,
        clean_units.period_end,
        clean_units.unit_id
    from clean_units
),

excluded_counts as (
    select
        all_units.indicator_id,
        all_units.period_end,
        all_units.area_code,
        count(distinct all_units.unit_id) as excluded_records
    from all_units
    left join clean_unit_ids
        on all_units.indicator_id = clean_unit_ids.indicator_id
        and all_units.period_end = clean_unit_ids.period_end
        and all_units.unit_id = clean_unit_ids.unit_id
    where clean_unit_ids.unit_id is null
    group by
        all_units.indicator_id,
        all_units.period_end,
        all_units.area_code
),

-- the newest period each indicator may show: every agency it draws on has delivered to it
indicator_reach as (
    select
        indicators.indicator_id,
        min(current_deliveries.extract_date) as reached_date,
        count(*) as agencies_delivered
    from indicators
    inner join current_deliveries
        on ';' || indicators.agencies || ';' like '%;' || current_deliveries.agency || ';%'
    group by indicators.indicator_id
),

indicator_periods as (
    select
        indicators.indicator_id,
        periods.period_end
    from indicators
    inner join indicator_reach
        on indicators.indicator_id = indicator_reach.indicator_id
    inner join periods
        on periods.period_end <= indicator_reach.reached_date
    where indicator_reach.agencies_delivered
        = length(indicators.agencies) - length(replace(indicators.agencies, ';', '')) + 1
),

areas as (
    select localities.locality_code as area_code from localities
    union
    select distinct units.locality_code from units where units.locality_code is not null
),

scaffold as (
    select
        indicator_periods.indicator_id,
        indicator_periods.period_end,
        'ALL' as area_code
    from indicator_periods
    union all
    select
        indicator_periods.indicator_id,
        indicator_periods.period_end,
        areas.area_code
    from indicator_periods
    inner join indicators
        on indicator_periods.indicator_id = indicators.indicator_id
    cross join areas
    where indicators.has_locality_breakdown
),

population_years as (
    select
        periods.period_end,
        max(population.mid_year) as mid_year
    from periods
    inner join population
        on population.mid_year <= extract(year from periods.period_end)
    group by periods.period_end
),

population_by_area as (
    select
        population_years.period_end,
        population.locality_code as area_code,
        sum(population.population) as population
    from population_years
    inner join population
        on population_years.mid_year = population.mid_year
    group by population_years.period_end, population.locality_code
    union all
    select
        population_years.period_end,
        'ALL' as area_code,
        sum(population.population) as population
    from population_years
    inner join population
        on population_years.mid_year = population.mid_year
    group by population_years.period_end
),

counted as (
    select
        scaffold.indicator_id,
        scaffold.period_end,
        scaffold.area_code,
        indicators.measure,
        indicators.polarity,
        indicators.target_value,
        indicators.comparator_value as fixed_comparator_value,
        indicators.comparator_indicator_id,
        coalesce(clean_counts.numerator, 0) as numerator,
        case
            when indicators.measure = 'rate' then coalesce(population_by_area.population, 0)
            else coalesce(clean_counts.denominator, 0)
        end as denominator,
        coalesce(excluded_counts.excluded_records, 0) as excluded_records
    from scaffold
    inner join indicators
        on scaffold.indicator_id = indicators.indicator_id
    left join clean_counts
        on scaffold.indicator_id = clean_counts.indicator_id
        and scaffold.period_end = clean_counts.period_end
        and scaffold.area_code = clean_counts.area_code
    left join excluded_counts
        on scaffold.indicator_id = excluded_counts.indicator_id
        and scaffold.period_end = excluded_counts.period_end
        and scaffold.area_code = excluded_counts.area_code
    left join population_by_area
        on scaffold.period_end = population_by_area.period_end
        and scaffold.area_code = population_by_area.area_code
),

with_statistics as (
    select
        counted.*,
        case
            when counted.denominator = 0 then null
            when counted.measure = 'rate'
                then 10000.0 * counted.numerator / counted.denominator
            else 100.0 * counted.numerator / counted.denominator
        end as value,
        case
            when counted.denominator = 0 then null
            when counted.measure = 'rate'
                then 10000.0 * {{ count_lower('counted.numerator', 'exact_limits.lower_95') }}
                    / counted.denominator
            else {{ wilson_lower('counted.numerator', 'counted.denominator') }}
        end as lower_95,
        case
            when counted.denominator = 0 then null
            when counted.measure = 'rate'
                then 10000.0 * {{ count_upper('counted.numerator', 'exact_limits.upper_95') }}
                    / counted.denominator
            else {{ wilson_upper('counted.numerator', 'counted.denominator') }}
        end as upper_95
    from counted
    left join exact_limits
        on counted.numerator = exact_limits.observed
),

with_comparator as (
    select
        with_statistics.*,
        coalesce(with_statistics.fixed_comparator_value, comparator.value) as comparator_value
    from with_statistics
    left join with_statistics as comparator
        on with_statistics.comparator_indicator_id = comparator.indicator_id
        and with_statistics.period_end = comparator.period_end
        and with_statistics.area_code = comparator.area_code
),

final as (
    select
        cast(with_comparator.indicator_id as varchar) as indicator_id,
        cast(with_comparator.period_end as date) as period_end,
        cast(with_comparator.area_code as varchar) as area_code,
        cast(with_comparator.numerator as bigint) as numerator,
        cast(with_comparator.denominator as bigint) as denominator,
        cast(with_comparator.value as double precision) as value,
        cast(with_comparator.lower_95 as double precision) as lower_95,
        cast(with_comparator.upper_95 as double precision) as upper_95,
        cast(with_comparator.comparator_value as double precision) as comparator_value,
        cast(
            case
                when with_comparator.comparator_value is null
                    or with_comparator.value is null then 'NOT_COMPARED'
                when with_comparator.comparator_value
                    between with_comparator.lower_95 and with_comparator.upper_95
                    then 'SIMILAR'
                when with_comparator.comparator_value < with_comparator.lower_95
                    then case with_comparator.polarity
                        when 'H' then 'BETTER' when 'L' then 'WORSE' else 'HIGHER' end
                else case with_comparator.polarity
                    when 'H' then 'WORSE' when 'L' then 'BETTER' else 'LOWER' end
            end as varchar
        ) as significance,
        cast(with_comparator.target_value as double precision) as target_value,
        cast(
            case
                when with_comparator.target_value is null then 'NO_TARGET'
                when with_comparator.value is null then 'NOT_ASSESSED'
                when with_comparator.polarity = 'L'
                    and with_comparator.value <= with_comparator.target_value then 'MET'
                when with_comparator.polarity = 'H'
                    and with_comparator.value >= with_comparator.target_value then 'MET'
                else 'NOT_MET'
            end as varchar
        ) as target_status,
        cast(with_comparator.polarity as varchar) as polarity,
        cast(with_comparator.excluded_records as bigint) as excluded_records
    from with_comparator
)

select * from final
