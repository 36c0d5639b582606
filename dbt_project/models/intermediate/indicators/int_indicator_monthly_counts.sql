{{ config(materialized='table') }}
{#
    Per indicator, month end and area: the clean numerator and denominator, and the
    excluded records (units of the 'all' mode that are not in the clean mode: they would have
    been in the denominator had no record been excluded). Area ALL counts every unit; an
    indicator with a locality breakdown also counts each unit in its CSC person's locality
    (for an excluded unit, the locality it has in the 'all' mode).
    Flow indicators are summed over the 12 months of each window in fct_indicator_values; a
    unit is counted in one month only, so the sums count each unit once.
#}
with

units as (
    select * from {{ ref('int_indicator_units') }}
),

definitions as (
    select * from {{ ref('indicator_definitions') }}
),

unit_areas as (
    select
        units.mode,
        units.indicator_id,
        units.month_end,
        units.unit_id,
        'ALL' as area_code,
        units.is_numerator
    from units
    union all
    select
        units.mode,
        units.indicator_id,
        units.month_end,
        units.unit_id,
        units.locality_code as area_code,
        units.is_numerator
    from units
    inner join definitions
        on units.indicator_id = definitions.indicator_id
    where definitions.has_locality_breakdown
        and units.locality_code is not null
),

clean_units as (
    select * from unit_areas
    where mode = 'clean'
),

all_units as (
    select * from unit_areas
    where mode = 'all'
),

clean_unit_ids as (
    select distinct
        clean_units.indicator_id,
        clean_units.month_end,
        clean_units.unit_id
    from clean_units
),

clean_counts as (
    select
        clean_units.indicator_id,
        clean_units.month_end,
        clean_units.area_code,
        count(distinct case when clean_units.is_numerator then clean_units.unit_id end)
            as numerator,
        count(distinct clean_units.unit_id) as denominator
    from clean_units
    group by
        clean_units.indicator_id,
        clean_units.month_end,
        clean_units.area_code
),

excluded_counts as (
    select
        all_units.indicator_id,
        all_units.month_end,
        all_units.area_code,
        count(distinct all_units.unit_id) as excluded_records
    from all_units
    left join clean_unit_ids
        on all_units.indicator_id = clean_unit_ids.indicator_id
        and all_units.month_end = clean_unit_ids.month_end
        and all_units.unit_id = clean_unit_ids.unit_id
    where clean_unit_ids.unit_id is null
    group by
        all_units.indicator_id,
        all_units.month_end,
        all_units.area_code
),

keys as (
    select
        clean_counts.indicator_id,
        clean_counts.month_end,
        clean_counts.area_code
    from clean_counts
    union
    select
        excluded_counts.indicator_id,
        excluded_counts.month_end,
        excluded_counts.area_code
    from excluded_counts
),

final as (
    select
        keys.indicator_id,
        keys.month_end,
        keys.area_code,
        coalesce(clean_counts.numerator, 0) as numerator,
        coalesce(clean_counts.denominator, 0) as denominator,
        coalesce(excluded_counts.excluded_records, 0) as excluded_records
    from keys
    left join clean_counts
        on keys.indicator_id = clean_counts.indicator_id
        and keys.month_end = clean_counts.month_end
        and keys.area_code = clean_counts.area_code
    left join excluded_counts
        on keys.indicator_id = excluded_counts.indicator_id
        and keys.month_end = excluded_counts.month_end
        and keys.area_code = excluded_counts.area_code
)

select * from final
