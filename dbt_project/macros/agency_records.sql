{#
    An agency entity's current records keyed for the indicators: the child key of the person
    each record belongs to (int_children_linked), the person attributes indicators use, and
    `is_excluded`: the record, or the person record it belongs to, breaks a consistency rule
    of extracts.md §6 (stg_ingest__rule_breaches), so no indicator uses it (indicators.md §1).
    person_columns: the person attributes to carry (csc: birth_month, locality_code,
    household_token). Entities without a person_id (incidents, safeguarding checks) carry
    none.
#}
{% macro agency_records(agency, entity, person_columns=[]) -%}
with

records as (
    select * from {{ ref('stg_' ~ agency ~ '__' ~ entity) }}
),

breaches as (
    select distinct
        entity,
        source_line
    from {{ ref('stg_ingest__rule_breaches') }}
    where agency = '{{ agency }}'
),

{% if entity == 'persons' %}
children as (
    select * from {{ ref('int_children_linked') }}
    where agency = '{{ agency }}'
),

final as (
    select
        records.*,
        children.child_key,
        record_breach.source_line is not null as is_excluded
    from records
    left join children
        on records.person_id = children.person_id
    left join breaches as record_breach
        on record_breach.entity = 'persons'
        and records.source_line = record_breach.source_line
)
{% elif person_columns %}
persons as (
    select * from {{ ref('int_' ~ agency ~ '__persons_keyed') }}
),

final as (
    select
        records.*,
        -- a record whose person_id does not resolve is excluded, but still needs a key for
        -- the 'all' mode that counts exclusions
        coalesce(persons.child_key, 'unresolved:' || records.person_id) as child_key,
        {% for column in person_columns -%}
        persons.{{ column }},
        {% endfor -%}
        record_breach.source_line is not null
            or persons.is_excluded
            or persons.person_id is null as is_excluded
    from records
    left join persons
        on records.person_id = persons.person_id
    left join breaches as record_breach
        on record_breach.entity = '{{ entity }}'
        and records.source_line = record_breach.source_line
)
{% else %}
final as (
    select
        records.*,
        record_breach.source_line is not null as is_excluded
    from records
    left join breaches as record_breach
        on record_breach.entity = '{{ entity }}'
        and records.source_line = record_breach.source_line
)
{% endif %}

select * from final
{%- endmacro %}
