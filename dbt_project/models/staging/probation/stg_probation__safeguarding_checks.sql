-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- probation safeguarding_checks: the current delivery, typed.
with

base_probation__safeguarding_checks as (
    select * from {{ ref('base_probation__safeguarding_checks') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'probation'
),

renamed as (
    select
        base_probation__safeguarding_checks.delivery_id,
        base_probation__safeguarding_checks.source_line,
        base_probation__safeguarding_checks.check_id,
        base_probation__safeguarding_checks.case_id,
        base_probation__safeguarding_checks.stage,
        cast(base_probation__safeguarding_checks.requested_date as date) as requested_date,
        cast(base_probation__safeguarding_checks.response_date as date) as response_date,
        base_probation__safeguarding_checks.csc_known
    from base_probation__safeguarding_checks
    inner join base_ingest__current_deliveries
        on base_probation__safeguarding_checks.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
