-- The published known answers of indicators.md §2 (Wilson) and Byar's / exact Poisson limits
-- worked from their formulas (O = 100: 81.3621–121.6279; O = 5: 1.6235–11.6683 from the
-- chi-square quantiles). At 0% and 100% the Wilson limits are exactly 0 and 100 (no
-- floating-point overshoot a comparator of 0 or 100 could fall outside). Any row returned is a
-- wrong statistic.
with

percentages as (
    select 1 as numerator, 100 as denominator, 0.1767 as lower_95, 5.4486 as upper_95
    union all select 20, 100, 13.3367, 28.8829
    union all select 65, 100, 55.2544, 73.6358
),

extremes as (
    select 0 as numerator, 7 as denominator, 0.0 as lower_95, 35.4330 as upper_95
    union all select 7, 7, 64.5670, 100.0
    union all select 0, 1000003, 0.0, 0.000384
    union all select 1000003, 1000003, 99.999616, 100.0
),

counts as (
    select 100 as observed, 81.3621 as lower_95, 121.6279 as upper_95
    union all select 10, 4.7874, 18.3915
    union all select 5, 1.6235, 11.6683
    union all select 0, 0.0, 3.6889
),

exact as (
    select * from {{ ref('poisson_exact_limits') }}
),

wrong_percentages as (
    select percentages.*
    from percentages
    where abs({{ wilson_lower('numerator', 'denominator') }} - lower_95) > 0.00005
       or abs({{ wilson_upper('numerator', 'denominator') }} - upper_95) > 0.00005
),

wrong_extremes as (
    select extremes.*
    from extremes
    where {{ wilson_lower('numerator', 'denominator') }} < 0
       or {{ wilson_upper('numerator', 'denominator') }} > 100
       or (numerator = 0 and {{ wilson_lower('numerator', 'denominator') }} <> 0)
       or (numerator = denominator and {{ wilson_upper('numerator', 'denominator') }} <> 100)
       or abs({{ wilson_lower('numerator', 'denominator') }} - lower_95) > 0.00005
       or abs({{ wilson_upper('numerator', 'denominator') }} - upper_95) > 0.00005
),

wrong_counts as (
    select counts.observed, counts.lower_95, counts.upper_95
    from counts
    left join exact on counts.observed = exact.observed
    where abs({{ count_lower('counts.observed', 'exact.lower_95') }} - counts.lower_95) > 0.00005
       or abs({{ count_upper('counts.observed', 'exact.upper_95') }} - counts.upper_95) > 0.00005
),

final as (
    select 'percentage' as kind, numerator as value, lower_95, upper_95 from wrong_percentages
    union all
    select 'percentage at 0 or 100', numerator, lower_95, upper_95 from wrong_extremes
    union all
    select 'count', observed, lower_95, upper_95 from wrong_counts
)

select * from final
