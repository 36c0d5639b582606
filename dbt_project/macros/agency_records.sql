{#
    An agency entity's current records as the indicators use them, in two layers:

    - int_<agency>__<entity>_records (macro agency_records, a table): the staging rows with
      the person attributes indicators use and `is_excluded`: the record, or the person
      record it belongs to, breaks a consistency rule of extracts.md §6
      (stg_ingest__rule_breaches), or its person_id does not resolve; no indicator uses it
      (indicators.md §1). Depends on this agency's data only, so another agency's delivery
      does not rebuild it.
    - int_<agency>__<entity>_keyed (macro keyed_records, a view): the same rows with the
      child key (int_children_linked), which changes whenever any agency's persons do.

    The agency and the entity are those the model is named for (records_of): a model file
    holds only what is particular to it. person_columns: the person attributes to carry (csc:
    birth_month, locality_code, household_token). Entities without a person_id (incidents,
    safeguarding checks) carry none, and their keyed models have no child key
    (has_person=false).
#}

{#
    (agency, entity) of the model being built, named int_<agency>__<entity>_records or
    …_keyed (in a unit test, of the model under test).
#}
{% macro records_of() -%}
{%- set tested = model.get('tested_node_unique_id') -%}
{%- set name = tested.split('.')[-1] if tested else model.name -%}
{%- set agency, rest = name[4:].split('__', 1) -%}
{%- set entity = rest.rsplit('_', 1)[0] -%}
{{ return((agency, entity)) }}
{%- endmacro %}

{% macro agency_records(person_columns=[]) -%}
{%- set agency, entity = records_of() -%}
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

{% if person_columns %}
persons as (
    select * from {{ ref('int_' ~ agency ~ '__persons_records') }}
),

final as (
    select
        '{{ agency }}' as agency,
        records.*,
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
        '{{ agency }}' as agency,
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

{% macro keyed_records(has_person=true) -%}
{%- set agency, entity = records_of() -%}
{{ config(materialized='view') }}
with

records as (
    select * from {{ ref('int_' ~ agency ~ '__' ~ entity ~ '_records') }}
),

{% if not has_person %}
final as (
    select * from records
)
{% else %}
children as (
    select * from {{ ref('int_children_linked') }}
    where agency = '{{ agency }}'
),

final as (
    select
        records.*,
        -- a record whose person_id does not resolve is excluded, but still needs a key for
        -- the 'all' mode that counts exclusions
        coalesce(children.child_key, 'unresolved:' || records.person_id) as child_key
    from records
    left join children
        on records.person_id = children.person_id
)
{% endif %}

select * from final
{%- endmacro %}
