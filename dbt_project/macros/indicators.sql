{#
    Building blocks of the indicator models (indicators.md §1).

    Every indicator is computed in two modes at once, as rows tagged `mode`:
    - 'clean': records that break a consistency rule (or whose person does) are left out,
      also as support for other records: this is the published indicator;
    - 'all': nothing left out; only used to count `excluded_records`, the units that would
      have been in the denominator had no record been excluded.
#}

{# The rows of a record model in both modes: all of them, and the usable ones again. #}
{% macro in_both_modes(relation) -%}
    select modes.mode, records.*
    from {{ relation }} as records
    cross join (values ('all'), ('clean')) as modes (mode)
    where modes.mode = 'all' or not records.is_excluded
{%- endmacro %}

{# Open at d: start ≤ d and (end is null or end > d). #}
{% macro open_at(start_date, end_date, d) -%}
    ({{ start_date }} <= {{ d }} and ({{ end_date }} is null or {{ end_date }} > {{ d }}))
{%- endmacro %}

{#
    An interval [start, end) is open at some date of the N days up to d (d − N < x ≤ d):
    it starts by d, and ends after its start and after the window's first day.
#}
{% macro open_in_days_up_to(start_date, end_date, d, days) -%}
    ({{ start_date }} <= {{ d }} and ({{ end_date }} is null
        or ({{ end_date }} > {{ start_date }} and {{ end_date }} > {{ d }} - {{ days - 1 }})))
{%- endmacro %}

{#
    The month end of a date. Flow indicators count each unit at the month end of the date
    that places it in a window; fct_indicator_values sums the 12 months of each window.
#}
{% macro month_end(d) -%}
    (cast({{ dbt.dateadd('month', 1, dbt.date_trunc('month', d)) }} as date) - 1)
{%- endmacro %}

{# Age at d in completed years from the first day of birth_month (negative when unborn). #}
{% macro age_at(birth_month, d) -%}
    (extract(year from {{ d }}) - extract(year from {{ birth_month }})
        - case when extract(month from {{ d }}) < extract(month from {{ birth_month }})
               then 1 else 0 end)
{%- endmacro %}

{# Aged 0–17 (or another band) at d; the unborn (birth month after d) are never in a band. #}
{% macro aged_between(birth_month, d, low, high) -%}
    ({{ birth_month }} <= {{ d }}
        and {{ age_at(birth_month, d) }} between {{ low }} and {{ high }})
{%- endmacro %}

{#
    wd(a, b): working days in (a, b], given the int_calendar rows joined for a and b.
    Null when either date is null or outside the calendar.
#}
{% macro working_days(calendar_a, calendar_b) -%}
    ({{ calendar_b }}.working_day_number - {{ calendar_a }}.working_day_number)
{%- endmacro %}

{#
    Snapshot indicators counting children once (indicators.md §1): from qualifying records
    (mode, period_end,
    child_key, start_date, record_id, locality_code, is_numerator), one row per child, in the
    numerator if any of its qualifying records is, with the locality of its latest-starting
    qualifying record (ties: the greater record id).
#}
{% macro count_children(indicator_id, qualifying) -%}
    ranked_{{ qualifying }} as (
        select
            {{ qualifying }}.*,
            row_number() over (
                partition by {{ qualifying }}.mode, {{ qualifying }}.period_end,
                    {{ qualifying }}.child_key
                order by {{ qualifying }}.start_date desc, {{ qualifying }}.record_id desc
            ) as recency
        from {{ qualifying }}
    ),

    final as (
        select
            ranked_{{ qualifying }}.mode,
            '{{ indicator_id }}' as indicator_id,
            ranked_{{ qualifying }}.period_end as month_end,
            ranked_{{ qualifying }}.child_key as unit_id,
            max(case when ranked_{{ qualifying }}.recency = 1
                     then ranked_{{ qualifying }}.locality_code end) as locality_code,
            max(case when ranked_{{ qualifying }}.is_numerator then 1 else 0 end) = 1
                as is_numerator
        from ranked_{{ qualifying }}
        group by
            ranked_{{ qualifying }}.mode,
            ranked_{{ qualifying }}.period_end,
            ranked_{{ qualifying }}.child_key
    )
{%- endmacro %}
