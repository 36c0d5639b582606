{#
    Schemas are named by layer (raw, staging, intermediate, marts) on every target: the custom
    schema is used as it is, never prefixed with the target's schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
