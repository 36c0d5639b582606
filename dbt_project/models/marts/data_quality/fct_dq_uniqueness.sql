-- Uniqueness of record ids per loaded delivery and entity (outputs.md §4), with the file's
-- row conservation (rows in = loaded + rejected, outputs.md §1). A repeated id is rejected
-- at ingest, every occurrence after the first (rule repeated_id in raw.rejected_rows; a
-- repeat that also failed a value check is counted under that check instead). Great
-- Expectations then confirms the loaded ids are unique.
with

loaded_delivery_files as (
    select * from {{ ref('int_loaded_delivery_files') }}
),

rejected_rows as (
    select * from {{ ref('stg_ingest__rejected_rows') }}
),

validation_results as (
    select * from {{ ref('stg_ingest__validation_results') }}
),

repeated_ids as (
    select
        rejected_rows.delivery_id,
        rejected_rows.entity,
        count(*) as duplicate_ids
    from rejected_rows
    where rejected_rows.rule = 'repeated_id'
    group by rejected_rows.delivery_id, rejected_rows.entity
),

uniqueness_checks as (
    select
        validation_results.delivery_id,
        validation_results.entity,
        bool_and(validation_results.success) as are_loaded_ids_unique
    from validation_results
    where validation_results.expectation in (
            'expect_column_values_to_be_unique', 'expect_compound_columns_to_be_unique'
        )
    group by validation_results.delivery_id, validation_results.entity
),

final as (
    select
        cast(loaded_delivery_files.agency as varchar) as agency,
        cast(loaded_delivery_files.delivery_id as varchar) as delivery_id,
        cast(loaded_delivery_files.extract_date as date) as extract_date,
        cast(loaded_delivery_files.entity as varchar) as entity,
        cast(loaded_delivery_files.rows_in as bigint) as rows_in,
        cast(loaded_delivery_files.rows_loaded as bigint) as rows_loaded,
        cast(loaded_delivery_files.rows_rejected as bigint) as rows_rejected,
        loaded_delivery_files.rows_in
        = loaded_delivery_files.rows_loaded + loaded_delivery_files.rows_rejected
            as is_row_count_conserved,
        cast(coalesce(repeated_ids.duplicate_ids, 0) as bigint) as duplicate_ids,
        100 * cast(
            loaded_delivery_files.rows_in - coalesce(repeated_ids.duplicate_ids, 0)
            as double precision
        ) / nullif(loaded_delivery_files.rows_in, 0
        ) as unique_ids_pct,
        uniqueness_checks.are_loaded_ids_unique
    from loaded_delivery_files
    left join repeated_ids
        on loaded_delivery_files.delivery_id = repeated_ids.delivery_id
        and loaded_delivery_files.entity = repeated_ids.entity
    left join uniqueness_checks
        on loaded_delivery_files.delivery_id = uniqueness_checks.delivery_id
        and loaded_delivery_files.entity = uniqueness_checks.entity
)

select * from final
