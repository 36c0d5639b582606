{#
    Completeness and validity of every contract column in every loaded delivery
    (outputs.md §4), so an agency sees each column's trend across its deliveries.

    Per delivery, entity and column, from what ingest recorded:
    - nulls in loaded rows: required columns from the Great Expectations not-null results
      (raw.validation_results); optional columns by counting the raw table (GX has no
      expectation on them), one grouped pass per entity;
    - rows rejected because this column's value was missing, or did not parse as its type
      (raw.rejected_rows; a persons row with neither token counts as missing both);
    - loaded values out of range: codes outside their list (GX results) and dates after the
      extract date (raw.rule_breaches, rule no_future_date; the message starts with the column).

    Reads the raw layer with source(): staging holds each agency's current delivery only, and
    the report is a trend over every delivery (docs/data-quality.md).
#}
{%- set entities = {
    'csc': ['persons', 'contacts', 'referrals', 'assessments', 's47_enquiries', 'cin_plans',
            'cp_plans', 'cla_episodes', 'missing_episodes', 'family_hub', 'neglect_tools'],
    'police': ['persons', 'incidents', 'child_notifications', 'flags', 'strategy_discussions'],
    'health': ['persons', 'appointments', 'ed_attendances', 'antenatal_bookings',
               'child_records', 'adult_episodes'],
    'probation': ['persons', 'cases', 'safeguarding_checks', 'home_visits'],
} -%}

{#- optional columns per entity (required ones are counted by GX) -#}
{%- set optional = {} -%}
{%- for agency, names in entities.items() -%}
    {%- for entity in names -%}
        {%- set columns = [] -%}
        {%- if execute -%}
            {%- set node = graph.sources['source.' ~ project_name ~ '.' ~ agency ~ '.' ~ entity] -%}
            {%- for column in node.columns.values()
                if not column.name.startswith('_')
                and not column.description.startswith('required; ') -%}
                {%- do columns.append(column.name) -%}
            {%- endfor -%}
        {%- endif -%}
        {%- if columns or not execute -%}
            {%- do optional.update({agency ~ '__' ~ entity: (agency, entity, columns)}) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endfor -%}

with

raw_deliveries as (
    select * from {{ source('ingest', 'deliveries') }}
),

raw_delivery_files as (
    select * from {{ source('ingest', 'delivery_files') }}
),

raw_rejected_rows as (
    select * from {{ source('ingest', 'rejected_rows') }}
),

raw_validation_results as (
    select * from {{ source('ingest', 'validation_results') }}
),

raw_rule_breaches as (
    select * from {{ source('ingest', 'rule_breaches') }}
),
{% for name, (agency, entity, columns) in optional.items() %}
raw_{{ name }} as (
    select * from {{ source(agency, entity) }}
),

optional_counts_{{ name }} as (
    select
        raw_{{ name }}._delivery_id as delivery_id
        {%- for column in columns %},
        count(raw_{{ name }}.{{ column }}) as {{ column }}
        {%- endfor %}
    from raw_{{ name }}
    group by raw_{{ name }}._delivery_id
),
{% endfor %}
contract_columns as (
    select * from {{ ref('dim_dq_columns') }}
),

loaded_files as (
    select
        raw_deliveries.agency,
        raw_delivery_files.delivery_id,
        raw_deliveries.extract_date,
        raw_delivery_files.entity,
        raw_delivery_files.rows_in,
        raw_delivery_files.rows_loaded,
        raw_delivery_files.rows_rejected
    from raw_delivery_files
    inner join raw_deliveries
        on raw_delivery_files.delivery_id = raw_deliveries.delivery_id
    where raw_deliveries.state in ('LOADED', 'LOADED_WITH_WARNINGS')
      and raw_deliveries.agency in ('csc', 'police', 'health', 'probation')
),

optional_present as (
    {%- for name, (agency, entity, columns) in optional.items() %}
    {%- set outer = loop %}
    {%- for column in columns %}
    select
        optional_counts_{{ name }}.delivery_id,
        '{{ entity }}' as entity,
        '{{ column }}' as column_name,
        optional_counts_{{ name }}.{{ column }} as values_present
    from optional_counts_{{ name }}
    {%- if not (outer.last and loop.last) %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- endfor %}
    {%- if not execute %}
    select
        cast(null as varchar) as delivery_id,
        cast(null as varchar) as entity,
        cast(null as varchar) as column_name,
        cast(null as bigint) as values_present
    {%- endif %}
),

required_nulls as (
    select
        raw_validation_results.delivery_id,
        raw_validation_results.entity,
        raw_validation_results.column_name,
        sum(raw_validation_results.unexpected_count) as null_values
    from raw_validation_results
    where raw_validation_results.expectation = 'expect_column_values_to_not_be_null'
    group by
        raw_validation_results.delivery_id,
        raw_validation_results.entity,
        raw_validation_results.column_name
),

codes_outside_list as (
    select
        raw_validation_results.delivery_id,
        raw_validation_results.entity,
        raw_validation_results.column_name,
        sum(raw_validation_results.unexpected_count) as values_out_of_range
    from raw_validation_results
    where raw_validation_results.expectation in (
        'expect_column_values_to_be_in_set', 'expect_column_values_to_match_regex'
    )
    group by
        raw_validation_results.delivery_id,
        raw_validation_results.entity,
        raw_validation_results.column_name
),

dates_after_extract_date as (
    select
        raw_rule_breaches.delivery_id,
        raw_rule_breaches.entity,
        split_part(raw_rule_breaches.message, ' ', 1) as column_name,
        count(*) as values_out_of_range
    from raw_rule_breaches
    where raw_rule_breaches.rule = 'no_future_date'
    group by
        raw_rule_breaches.delivery_id,
        raw_rule_breaches.entity,
        split_part(raw_rule_breaches.message, ' ', 1)
),

rejections_by_column as (
    select
        raw_rejected_rows.delivery_id,
        raw_rejected_rows.entity,
        raw_rejected_rows.column_name,
        raw_rejected_rows.rule
    from raw_rejected_rows
    union all
    -- a persons row with neither token is missing its alternative token too
    select
        raw_rejected_rows.delivery_id,
        raw_rejected_rows.entity,
        'person_alt_token' as column_name,
        raw_rejected_rows.rule
    from raw_rejected_rows
    where raw_rejected_rows.rule = 'no_token'
),

rejections as (
    select
        rejections_by_column.delivery_id,
        rejections_by_column.entity,
        rejections_by_column.column_name,
        count(*) filter (
            where rejections_by_column.rule in ('missing_required_value', 'no_token')
        ) as rows_rejected_missing,
        count(*) filter (where left(rejections_by_column.rule, 4) = 'bad_') as rows_rejected_invalid
    from rejections_by_column
    where rejections_by_column.column_name is not null
    group by
        rejections_by_column.delivery_id,
        rejections_by_column.entity,
        rejections_by_column.column_name
),

measured as (
    select
        loaded_files.agency,
        loaded_files.delivery_id,
        loaded_files.extract_date,
        loaded_files.entity,
        contract_columns.column_name,
        contract_columns.column_position,
        contract_columns.column_type,
        contract_columns.code_list,
        contract_columns.is_required,
        contract_columns.is_indicator_critical,
        contract_columns.validity_check,
        loaded_files.rows_in,
        loaded_files.rows_loaded,
        case
            when contract_columns.is_required then required_nulls.null_values
            else loaded_files.rows_loaded - coalesce(optional_present.values_present, 0)
        end as null_values,
        coalesce(rejections.rows_rejected_missing, 0) as rows_rejected_missing,
        coalesce(rejections.rows_rejected_invalid, 0) as rows_rejected_invalid,
        case contract_columns.validity_check
            when 'code_list' then codes_outside_list.values_out_of_range
            when 'date_range' then coalesce(dates_after_extract_date.values_out_of_range, 0)
            else 0
        end as values_out_of_range
    from loaded_files
    inner join contract_columns
        on loaded_files.agency = contract_columns.agency
        and loaded_files.entity = contract_columns.entity
    left join required_nulls
        on loaded_files.delivery_id = required_nulls.delivery_id
        and loaded_files.entity = required_nulls.entity
        and contract_columns.column_name = required_nulls.column_name
    left join optional_present
        on loaded_files.delivery_id = optional_present.delivery_id
        and loaded_files.entity = optional_present.entity
        and contract_columns.column_name = optional_present.column_name
    left join codes_outside_list
        on loaded_files.delivery_id = codes_outside_list.delivery_id
        and loaded_files.entity = codes_outside_list.entity
        and contract_columns.column_name = codes_outside_list.column_name
    left join dates_after_extract_date
        on loaded_files.delivery_id = dates_after_extract_date.delivery_id
        and loaded_files.entity = dates_after_extract_date.entity
        and contract_columns.column_name = dates_after_extract_date.column_name
    left join rejections
        on loaded_files.delivery_id = rejections.delivery_id
        and loaded_files.entity = rejections.entity
        and contract_columns.column_name = rejections.column_name
),

final as (
    select
        cast(measured.agency as varchar) as agency,
        cast(measured.delivery_id as varchar) as delivery_id,
        cast(measured.extract_date as date) as extract_date,
        cast(measured.entity as varchar) as entity,
        cast(measured.column_name as varchar) as column_name,
        cast(measured.column_position as bigint) as column_position,
        cast(measured.column_type as varchar) as column_type,
        cast(measured.code_list as varchar) as code_list,
        cast(measured.is_required as boolean) as is_required,
        cast(measured.is_indicator_critical as boolean) as is_indicator_critical,
        cast(measured.validity_check as varchar) as validity_check,
        cast(measured.rows_in as bigint) as rows_in,
        cast(measured.rows_loaded as bigint) as rows_loaded,
        cast(measured.null_values as bigint) as null_values,
        cast(measured.rows_rejected_missing as bigint) as rows_rejected_missing,
        cast(measured.rows_rejected_invalid as bigint) as rows_rejected_invalid,
        cast(measured.values_out_of_range as bigint) as values_out_of_range,
        100 * cast(
            measured.rows_loaded - measured.null_values + measured.rows_rejected_invalid
            as double precision
        ) / nullif(
            measured.rows_loaded + measured.rows_rejected_missing + measured.rows_rejected_invalid, 0
        ) as completeness_pct,
        100 * cast(
            measured.rows_loaded - measured.null_values - measured.values_out_of_range
            as double precision
        ) / nullif(
            measured.rows_loaded - measured.null_values + measured.rows_rejected_invalid, 0
        ) as validity_pct
    from measured
)

select * from final
