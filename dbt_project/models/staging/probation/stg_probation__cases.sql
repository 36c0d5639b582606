-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- probation cases: the current delivery, typed.
with

base_probation__cases as (
    select * from {{ ref('base_probation__cases') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'probation'
),

current_rows as (
    select base_probation__cases.*
    from base_probation__cases
    inner join current_delivery
        on base_probation__cases.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        case_id,
        person_id,
        provider,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        rosh_children,
        children_in_household
    from current_rows
),

final as (
    select * from renamed
)

select * from final
