-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- probation cases: the current delivery, typed.
with

base_probation__cases as (
    select * from {{ ref('base_probation__cases') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'probation'
),

renamed as (
    select
        base_probation__cases.delivery_id,
        base_probation__cases.source_line,
        base_probation__cases.case_id,
        base_probation__cases.person_id,
        base_probation__cases.provider,
        cast(base_probation__cases.start_date as date) as start_date,
        cast(base_probation__cases.end_date as date) as end_date,
        base_probation__cases.rosh_children,
        base_probation__cases.children_in_household
    from base_probation__cases
    inner join base_ingest__current_deliveries
        on base_probation__cases.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
