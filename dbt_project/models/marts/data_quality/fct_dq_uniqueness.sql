-- Uniqueness of record ids per loaded delivery and entity (outputs.md §4), with the file's
-- row conservation (rows in = loaded + rejected, outputs.md §1). A repeated id is rejected
-- at ingest, every occurrence after the first (rule repeated_id in raw.rejected_rows; a
-- repeat that also failed a value check is counted under that check instead). Great
-- Expectations then confirms the loaded ids are unique.
-- Reads the raw layer with source(): per-delivery history (docs/data-quality.md).
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

repeated_ids as (
    select
        raw_rejected_rows.delivery_id,
        raw_rejected_rows.entity,
        count(*) as duplicate_ids
    from raw_rejected_rows
    where raw_rejected_rows.rule = 'repeated_id'
    group by raw_rejected_rows.delivery_id, raw_rejected_rows.entity
),

uniqueness_checks as (
    select
        raw_validation_results.delivery_id,
        raw_validation_results.entity,
        bool_and(raw_validation_results.success) as are_loaded_ids_unique
    from raw_validation_results
    where raw_validation_results.expectation in (
        'expect_column_values_to_be_unique', 'expect_compound_columns_to_be_unique'
    )
    group by raw_validation_results.delivery_id, raw_validation_results.entity
),

final as (
    select
        cast(loaded_files.agency as varchar) as agency,
        cast(loaded_files.delivery_id as varchar) as delivery_id,
        cast(loaded_files.extract_date as date) as extract_date,
        cast(loaded_files.entity as varchar) as entity,
        cast(loaded_files.rows_in as bigint) as rows_in,
        cast(loaded_files.rows_loaded as bigint) as rows_loaded,
        cast(loaded_files.rows_rejected as bigint) as rows_rejected,
        loaded_files.rows_in = loaded_files.rows_loaded + loaded_files.rows_rejected
            as is_row_count_conserved,
        cast(coalesce(repeated_ids.duplicate_ids, 0) as bigint) as duplicate_ids,
        100 * cast(loaded_files.rows_in - coalesce(repeated_ids.duplicate_ids, 0)
            as double precision) / nullif(loaded_files.rows_in, 0) as unique_ids_pct,
        uniqueness_checks.are_loaded_ids_unique
    from loaded_files
    left join repeated_ids
        on loaded_files.delivery_id = repeated_ids.delivery_id
        and loaded_files.entity = repeated_ids.entity
    left join uniqueness_checks
        on loaded_files.delivery_id = uniqueness_checks.delivery_id
        and loaded_files.entity = uniqueness_checks.entity
)

select * from final
