-- The published known answers of indicators.md §2 (Wilson) and Byar's / exact Poisson limits
-- worked from their formulas (O = 100: 81.3621–121.6279; O = 5: 1.6235–11.6683 from the
-- chi-square quantiles). At 0% and 100% the Wilson limits are exactly 0 and 100 (no
-- floating-point overshoot a comparator of 0 or 100 could fall outside). Any row returned is a
-- wrong statistic.
with

percentages (numerator, denominator, lower_95, upper_95) as (
    values
    (1, 100, 0.1767, 5.4486),
    (20, 100, 13.3367, 28.8829),
    (65, 100, 55.2544, 73.6358)
),

extremes (numerator, denominator, lower_95, upper_95) as (
    values
    (0, 7, 0.0, 35.4330),
    (7, 7, 64.5670, 100.0),
    (0, 1000003, 0.0, 0.000384),
    (1000003, 1000003, 99.999616, 100.0)
),

counts (observed, lower_95, upper_95) as (
    values
    (100, 81.3621, 121.6279),
    (10, 4.7874, 18.3915),
    (5, 1.6235, 11.6683),
    (0, 0.0, 3.6889)
),

exact as (
    select * from {{ ref('poisson_exact_limits') }}
),

wrong_percentages as (
    select percentages.*
    from percentages
    where
        abs(
            {{ wilson_lower('percentages.numerator', 'percentages.denominator') }}
            - percentages.lower_95
        ) > 0.00005
        or abs(
            {{ wilson_upper('percentages.numerator', 'percentages.denominator') }}
            - percentages.upper_95
        ) > 0.00005
),

wrong_extremes as (
    select extremes.*
    from extremes
    where
        {{ wilson_lower('extremes.numerator', 'extremes.denominator') }} < 0
        or {{ wilson_upper('extremes.numerator', 'extremes.denominator') }} > 100
        or (
            extremes.numerator = 0
            and {{ wilson_lower('extremes.numerator', 'extremes.denominator') }} <> 0
        )
        or (
            extremes.numerator = extremes.denominator
            and {{ wilson_upper('extremes.numerator', 'extremes.denominator') }} <> 100
        )
        or abs(
            {{ wilson_lower('extremes.numerator', 'extremes.denominator') }}
            - extremes.lower_95
        ) > 0.00005
        or abs(
            {{ wilson_upper('extremes.numerator', 'extremes.denominator') }}
            - extremes.upper_95
        ) > 0.00005
),

wrong_counts as (
    select
        counts.observed,
        counts.lower_95,
        counts.upper_95
    from counts
    left join exact
        on counts.observed = exact.observed
    where
        abs({{ count_lower('counts.observed', 'exact.lower_95') }} - counts.lower_95) > 0.00005
        or abs({{ count_upper('counts.observed', 'exact.upper_95') }} - counts.upper_95) > 0.00005
),

final as (
    select
        'percentage' as kind,
        wrong_percentages.numerator as value,
        wrong_percentages.lower_95,
        wrong_percentages.upper_95
    from wrong_percentages
    union all
    select
        'percentage at 0 or 100' as kind,
        wrong_extremes.numerator as value,
        wrong_extremes.lower_95,
        wrong_extremes.upper_95
    from wrong_extremes
    union all
    select
        'count' as kind,
        wrong_counts.observed as value,
        wrong_counts.lower_95,
        wrong_counts.upper_95
    from wrong_counts
)

select * from final
