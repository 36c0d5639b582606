{#
    Completeness and validity of every contract column in every loaded delivery
    (outputs.md §4), so an agency sees each column's trend across its deliveries.

    Per delivery, entity and column, from what ingest recorded:
    - nulls in loaded rows: required columns from the Great Expectations not-null results
      (raw.validation_results); optional columns by counting the raw tables (GX has no
      expectation on them: int_dq_values_present, generated from the contract);
    - rows rejected because this column's value was missing, or did not parse as its type
      (raw.rejected_rows; a persons row with neither token counts as missing both);
    - loaded values out of range: codes outside their list (GX results) and dates after the
      extract date (raw.rule_breaches, rule no_future_date; the message starts with the column).

    Every delivery, not only the current one: the report is a trend (docs/data-quality.md).
#}
with

loaded_delivery_files as (
    select * from {{ ref('int_loaded_delivery_files') }}
),

dq_values_present as (
    select * from {{ ref('int_dq_values_present') }}
),

rejected_rows as (
    select * from {{ ref('stg_ingest__rejected_rows') }}
),

validation_results as (
    select * from {{ ref('stg_ingest__validation_results') }}
),

rule_breaches as (
    select * from {{ ref('base_ingest__rule_breaches') }}
),

dq_columns as (
    select * from {{ ref('dim_dq_columns') }}
),

required_nulls as (
    select
        validation_results.delivery_id,
        validation_results.entity,
        validation_results.column_name,
        sum(validation_results.unexpected_count) as null_values
    from validation_results
    where validation_results.expectation = 'expect_column_values_to_not_be_null'
    group by
        validation_results.delivery_id,
        validation_results.entity,
        validation_results.column_name
),

codes_outside_list as (
    select
        validation_results.delivery_id,
        validation_results.entity,
        validation_results.column_name,
        sum(validation_results.unexpected_count) as values_out_of_range
    from validation_results
    where validation_results.expectation in (
            'expect_column_values_to_be_in_set', 'expect_column_values_to_match_regex'
        )
    group by
        validation_results.delivery_id,
        validation_results.entity,
        validation_results.column_name
),

dates_after_extract_date as (
    select
        rule_breaches.delivery_id,
        rule_breaches.entity,
        split_part(rule_breaches.message, ' ', 1) as column_name,
        count(*) as values_out_of_range
    from rule_breaches
    where rule_breaches.rule = 'no_future_date'
    group by
        rule_breaches.delivery_id,
        rule_breaches.entity,
        split_part(rule_breaches.message, ' ', 1)
),

rejections_by_column as (
    select
        rejected_rows.delivery_id,
        rejected_rows.entity,
        rejected_rows.column_name,
        rejected_rows.rule
    from rejected_rows
    union all
    -- a persons row with neither token is missing its alternative token too
    select
        rejected_rows.delivery_id,
        rejected_rows.entity,
        'person_alt_token' as column_name,
        rejected_rows.rule
    from rejected_rows
    where rejected_rows.rule = 'no_token'
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
        loaded_delivery_files.agency,
        loaded_delivery_files.delivery_id,
        loaded_delivery_files.extract_date,
        loaded_delivery_files.entity,
        dq_columns.column_name,
        dq_columns.column_position,
        dq_columns.column_type,
        dq_columns.code_list,
        dq_columns.is_required,
        dq_columns.is_indicator_critical,
        dq_columns.validity_check,
        loaded_delivery_files.rows_in,
        loaded_delivery_files.rows_loaded,
        case
            when dq_columns.is_required then required_nulls.null_values
            else loaded_delivery_files.rows_loaded - coalesce(dq_values_present.values_present, 0)
        end as null_values,
        coalesce(rejections.rows_rejected_missing, 0) as rows_rejected_missing,
        coalesce(rejections.rows_rejected_invalid, 0) as rows_rejected_invalid,
        case dq_columns.validity_check
            when 'code_list' then codes_outside_list.values_out_of_range
            when 'date_range' then coalesce(dates_after_extract_date.values_out_of_range, 0)
            else 0
        end as values_out_of_range
    from loaded_delivery_files
    inner join dq_columns
        on loaded_delivery_files.agency = dq_columns.agency
        and loaded_delivery_files.entity = dq_columns.entity
    left join required_nulls
        on loaded_delivery_files.delivery_id = required_nulls.delivery_id
        and loaded_delivery_files.entity = required_nulls.entity
        and dq_columns.column_name = required_nulls.column_name
    left join dq_values_present
        on loaded_delivery_files.delivery_id = dq_values_present.delivery_id
        and loaded_delivery_files.entity = dq_values_present.entity
        and dq_columns.column_name = dq_values_present.column_name
    left join codes_outside_list
        on loaded_delivery_files.delivery_id = codes_outside_list.delivery_id
        and loaded_delivery_files.entity = codes_outside_list.entity
        and dq_columns.column_name = codes_outside_list.column_name
    left join dates_after_extract_date
        on loaded_delivery_files.delivery_id = dates_after_extract_date.delivery_id
        and loaded_delivery_files.entity = dates_after_extract_date.entity
        and dq_columns.column_name = dates_after_extract_date.column_name
    left join rejections
        on loaded_delivery_files.delivery_id = rejections.delivery_id
        and loaded_delivery_files.entity = rejections.entity
        and dq_columns.column_name = rejections.column_name
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
            measured.rows_loaded + measured.rows_rejected_missing + measured.rows_rejected_invalid,
            0
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
