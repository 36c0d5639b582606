-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- probation safeguarding_checks: the current delivery, typed.
with

base_probation__safeguarding_checks as (
    select * from {{ ref('base_probation__safeguarding_checks') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'probation'
),

current_rows as (
    select base_probation__safeguarding_checks.*
    from base_probation__safeguarding_checks
    inner join current_delivery
        on base_probation__safeguarding_checks.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        check_id,
        case_id,
        stage,
        cast(requested_date as date) as requested_date,
        cast(response_date as date) as response_date,
        csc_known
    from current_rows
),

final as (
    select * from renamed
)

select * from final
