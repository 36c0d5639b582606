{{ config(materialized='table') }}
{#
    Every indicator's units in one table (the int_indicator_units__* models): per mode
    ('clean': records breaking a consistency rule left out; 'all': nothing left out), the
    month end a unit is counted at (the snapshot date, or for flow indicators the month end
    of the date that places the unit in a window), the unit (a child key, or a record id),
    the locality of the CSC person it belongs to, and whether it is in the numerator.
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

{% for indicator_id in indicator_ids -%}
    units_{{ indicator_id }} as (
        select * from {{ ref('int_indicator_units__' ~ indicator_id) }}
    ),

{% endfor -%}
unioned as (
    {% for indicator_id in indicator_ids -%}
        select
            units_{{ indicator_id }}.mode,
            units_{{ indicator_id }}.indicator_id,
            units_{{ indicator_id }}.month_end,
            units_{{ indicator_id }}.unit_id,
            units_{{ indicator_id }}.locality_code,
            units_{{ indicator_id }}.is_numerator
        from units_{{ indicator_id }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select * from unioned
)

select * from final
