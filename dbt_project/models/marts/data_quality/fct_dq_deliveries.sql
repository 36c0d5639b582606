-- One row per agency delivery (outputs.md §4): its state, timeliness, row counts, the totals of
-- the column, uniqueness and consistency marts, and linkage. Every delivery ingest recorded is
-- here, whatever its state; the measures that need loaded rows are null for a delivery that
-- was not loaded. The share of persons linked to a CSC child is known for each agency's
-- current delivery only (the child key is built from current data: mart_linkage_summary);
-- the share with a person_token is known for every loaded delivery.
with

agency_deliveries as (
    select * from {{ ref('int_agency_deliveries') }}
),

current_deliveries as (
    select * from {{ ref('stg_ingest__current_deliveries') }}
),

dq_columns as (
    select * from {{ ref('fct_dq_columns') }}
),

dq_uniqueness as (
    select * from {{ ref('fct_dq_uniqueness') }}
),

dq_consistency as (
    select * from {{ ref('fct_dq_consistency') }}
),

linkage_summary as (
    select * from {{ ref('mart_linkage_summary') }}
),

numbered as (
    select
        agency_deliveries.delivery_id,
        row_number() over (
            partition by agency_deliveries.agency
            order by
                agency_deliveries.extract_date,
                agency_deliveries.arrived_at,
                agency_deliveries.processed_at,
                agency_deliveries.delivery_id
        ) as delivery_number
    from agency_deliveries
),

-- the agency's latest extract date before this delivery's (any state: a quarantined delivery
-- still arrived; a corrected delivery for the same date is not a new month)
previous_extract as (
    select
        this_delivery.delivery_id,
        max(earlier.extract_date) as previous_extract_date
    from agency_deliveries as this_delivery
    inner join agency_deliveries as earlier
        on this_delivery.agency = earlier.agency
        and earlier.extract_date < this_delivery.extract_date
    group by this_delivery.delivery_id
),

column_totals as (
    select
        dq_columns.delivery_id,
        sum(dq_columns.values_out_of_range) filter (
            where dq_columns.validity_check = 'code_list'
        ) as codes_outside_list,
        sum(dq_columns.rows_loaded - dq_columns.null_values) filter (
            where dq_columns.entity = 'persons' and dq_columns.column_name = 'person_token'
        ) as persons_with_person_token,
        sum(dq_columns.rows_loaded) filter (
            where dq_columns.entity = 'persons' and dq_columns.column_name = 'person_id'
        ) as persons_loaded
    from dq_columns
    group by dq_columns.delivery_id
),

uniqueness_totals as (
    select
        dq_uniqueness.delivery_id,
        count(*) as files_loaded,
        sum(dq_uniqueness.duplicate_ids) as duplicate_ids
    from dq_uniqueness
    group by dq_uniqueness.delivery_id
),

consistency_totals as (
    select
        dq_consistency.delivery_id,
        sum(dq_consistency.breach_count) as consistency_breaches,
        count(distinct dq_consistency.rule) filter (
            where dq_consistency.breach_count > 0
        ) as rules_breached
    from dq_consistency
    group by dq_consistency.delivery_id
),

linkage as (
    select
        current_deliveries.delivery_id,
        linkage_summary.persons,
        linkage_summary.linked_to_csc_child as persons_linked_to_csc_child
    from current_deliveries
    inner join linkage_summary
        on current_deliveries.agency = linkage_summary.agency
),

final as (
    select
        cast(agency_deliveries.agency as varchar) as agency,
        cast(agency_deliveries.delivery_id as varchar) as delivery_id,
        cast(numbered.delivery_number as bigint) as delivery_number,
        cast(agency_deliveries.extract_date as date) as extract_date,
        cast(agency_deliveries.arrived_at as timestamp) as arrived_at,
        cast(agency_deliveries.processed_at as timestamp) as processed_at,
        cast(agency_deliveries.state as varchar) as state,
        current_deliveries.delivery_id is not null as is_current,
        cast(agency_deliveries.duplicate_arrivals as bigint) as duplicate_arrivals,
        cast(
            cast(agency_deliveries.arrived_at as date)
            - cast(agency_deliveries.extract_date as date)
            as bigint
        ) as days_extract_to_arrival,
        cast(previous_extract.previous_extract_date as date) as previous_extract_date,
        cast(
            12 * (
                extract(year from agency_deliveries.extract_date)
                - extract(year from previous_extract.previous_extract_date)
            )
            + extract(month from agency_deliveries.extract_date)
            - extract(month from previous_extract.previous_extract_date)
            as bigint
        ) as months_since_previous_delivery,
        cast(uniqueness_totals.files_loaded as bigint) as files_loaded,
        cast(agency_deliveries.rows_in as bigint) as rows_in,
        cast(agency_deliveries.rows_loaded as bigint) as rows_loaded,
        cast(agency_deliveries.rows_rejected as bigint) as rows_rejected,
        100 * cast(agency_deliveries.rows_rejected as double precision)
        / nullif(agency_deliveries.rows_in, 0) as rows_rejected_pct,
        cast(uniqueness_totals.duplicate_ids as bigint) as duplicate_ids,
        cast(column_totals.codes_outside_list as bigint) as codes_outside_list,
        cast(consistency_totals.consistency_breaches as bigint) as consistency_breaches,
        cast(consistency_totals.rules_breached as bigint) as rules_breached,
        cast(column_totals.persons_loaded as bigint) as persons_loaded,
        100 * cast(column_totals.persons_with_person_token as double precision)
        / nullif(column_totals.persons_loaded, 0) as persons_with_person_token_pct,
        100 * cast(linkage.persons_linked_to_csc_child as double precision)
        / nullif(linkage.persons, 0) as persons_linked_to_csc_child_pct
    from agency_deliveries
    inner join numbered
        on agency_deliveries.delivery_id = numbered.delivery_id
    left join current_deliveries
        on agency_deliveries.delivery_id = current_deliveries.delivery_id
    left join previous_extract
        on agency_deliveries.delivery_id = previous_extract.delivery_id
    left join column_totals
        on agency_deliveries.delivery_id = column_totals.delivery_id
    left join uniqueness_totals
        on agency_deliveries.delivery_id = uniqueness_totals.delivery_id
    left join consistency_totals
        on agency_deliveries.delivery_id = consistency_totals.delivery_id
    left join linkage
        on agency_deliveries.delivery_id = linkage.delivery_id
)

select * from final
