{#
    Statistics of indicators.md §2, as SQL expressions that work on DuckDB and PostgreSQL.
    z is the 97.5% point of the standard normal distribution.
#}

{#
    95% Wilson score interval of a percentage: 100 × limit; null when the denominator is 0.
    At 0% the lower limit is 0, and at 100% the upper limit is 100, exactly: the formula gives
    them only up to floating point (2e-15, 100.00000000000003 or 99.99999999999999, differently
    on each engine), which a comparator of exactly 0 or 100 would read as significant.
#}
{% macro wilson_lower(numerator, denominator) -%}
    {%- set z = 1.959963985 -%}
    case when {{ denominator }} > 0 and {{ numerator }} = 0 then 0.0
        when {{ denominator }} > 0 then 100.0 * (
            (cast({{ numerator }} as double precision) / {{ denominator }}
                + {{ z * z }} / (2.0 * {{ denominator }}))
            - {{ z }} * sqrt(
                (cast({{ numerator }} as double precision) / {{ denominator }})
                * (1 - cast({{ numerator }} as double precision) / {{ denominator }})
                / {{ denominator }} + {{ z * z }} / (4.0 * {{ denominator }} * {{ denominator }}))
        ) / (1 + {{ z * z }} / {{ denominator }}) end
{%- endmacro %}

{% macro wilson_upper(numerator, denominator) -%}
    {%- set z = 1.959963985 -%}
    case when {{ denominator }} > 0 and {{ numerator }} = {{ denominator }} then 100.0
        when {{ denominator }} > 0 then 100.0 * (
            (cast({{ numerator }} as double precision) / {{ denominator }}
                + {{ z * z }} / (2.0 * {{ denominator }}))
            + {{ z }} * sqrt(
                (cast({{ numerator }} as double precision) / {{ denominator }})
                * (1 - cast({{ numerator }} as double precision) / {{ denominator }})
                / {{ denominator }} + {{ z * z }} / (4.0 * {{ denominator }} * {{ denominator }}))
        ) / (1 + {{ z * z }} / {{ denominator }}) end
{%- endmacro %}

{#
    95% limits of an observed count O: Byar's approximation for O ≥ 10, exact Poisson limits
    (chi-square, from the poisson_exact_limits seed joined as `exact`) below 10.
#}
{% macro count_lower(observed, exact_lower) -%}
    {%- set z = 1.959963985 -%}
    case when {{ observed }} >= 10 then
        {{ observed }} * power(1 - 1.0 / (9 * {{ observed }})
                                 - {{ z }} / (3 * sqrt(cast({{ observed }} as double precision))), 3)
    else {{ exact_lower }} end
{%- endmacro %}

{% macro count_upper(observed, exact_upper) -%}
    {%- set z = 1.959963985 -%}
    case when {{ observed }} >= 10 then
        ({{ observed }} + 1) * power(1 - 1.0 / (9 * ({{ observed }} + 1))
                                       + {{ z }} / (3 * sqrt(cast({{ observed }} + 1 as double precision))), 3)
    else {{ exact_upper }} end
{%- endmacro %}
