-- The files of every loaded agency delivery with their row counts: what the data quality
-- report measures (fct_dq_columns, fct_dq_uniqueness, fct_dq_consistency).
with

agency_deliveries as (
    select * from {{ ref('int_agency_deliveries') }}
),

delivery_files as (
    select * from {{ ref('stg_ingest__delivery_files') }}
),

final as (
    select
        agency_deliveries.agency,
        delivery_files.delivery_id,
        agency_deliveries.extract_date,
        delivery_files.entity,
        delivery_files.rows_in,
        delivery_files.rows_loaded,
        delivery_files.rows_rejected
    from delivery_files
    inner join agency_deliveries
        on delivery_files.delivery_id = agency_deliveries.delivery_id
    where agency_deliveries.is_loaded
)

select * from final
