{#
    Generic test: no two rows share the same values in all of `combination` (a compound
    primary key).
#}
{% test unique_combination_of_columns(model, combination) %}

with

grouped as (
    select
        {{ combination | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ combination | join(', ') }}
),

final as (
    select * from grouped
    where occurrences > 1
)

select * from final

{% endtest %}
