{#
    Every indicator (indicators.md §4) for every period and area, with its statistics
    (indicators.md §2) and the output contract of indicators.md §3.

    int_indicator_monthly_counts gives, per indicator, month end and area, the numerator,
    denominator and excluded records (units that would have been in the denominator had no
    record been excluded); snapshot indicators take the period end's counts, flow indicators
    the sum over the 12 months of their window.

    A row exists for every period in which every agency the indicator draws on has current
    data reaching the period end, for area ALL and, where the indicator has a locality
    breakdown, for every locality; a period without units has denominator 0 and null value.
#}
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

monthly_counts as (
    select * from {{ ref('int_indicator_monthly_counts') }}
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
    select distinct monthly_counts.area_code from monthly_counts
    where monthly_counts.area_code <> 'ALL'
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

-- snapshot indicators count at the period end; flow indicators sum the 12 months of their
-- window (period_end − 12 months, period_end], or of the window a year earlier when lagged
period_counts as (
    select
        scaffold.indicator_id,
        scaffold.period_end,
        scaffold.area_code,
        sum(monthly_counts.numerator) as numerator,
        sum(monthly_counts.denominator) as denominator,
        sum(monthly_counts.excluded_records) as excluded_records
    from scaffold
    inner join indicators
        on scaffold.indicator_id = indicators.indicator_id
    inner join periods
        on scaffold.period_end = periods.period_end
    inner join monthly_counts
        on scaffold.indicator_id = monthly_counts.indicator_id
        and scaffold.area_code = monthly_counts.area_code
        and (
            (
                indicators.indicator_type = 'snapshot'
                and monthly_counts.month_end = periods.period_end
            )
            or (
                indicators.indicator_type = 'flow' and indicators.window_lag_months = 0
                and monthly_counts.month_end > periods.year_ago_end
                and monthly_counts.month_end <= periods.period_end
            )
            or (
                indicators.indicator_type = 'flow' and indicators.window_lag_months = 12
                and monthly_counts.month_end > periods.two_years_ago_end
                and monthly_counts.month_end <= periods.year_ago_end
            )
        )
    group by
        scaffold.indicator_id,
        scaffold.period_end,
        scaffold.area_code
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
        coalesce(period_counts.numerator, 0) as numerator,
        case
            when indicators.measure = 'rate' then coalesce(population_by_area.population, 0)
            else coalesce(period_counts.denominator, 0)
        end as denominator,
        coalesce(period_counts.excluded_records, 0) as excluded_records
    from scaffold
    inner join indicators
        on scaffold.indicator_id = indicators.indicator_id
    left join period_counts
        on scaffold.indicator_id = period_counts.indicator_id
        and scaffold.period_end = period_counts.period_end
        and scaffold.area_code = period_counts.area_code
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
                            when 'H' then 'BETTER' when 'L' then 'WORSE' else 'HIGHER'
                        end
                else case with_comparator.polarity
                        when 'H' then 'WORSE' when 'L' then 'BETTER' else 'LOWER'
                    end
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
