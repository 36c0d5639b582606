-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- probation safeguarding_checks: the current delivery, typed.
with

source as (
    select * from {{ source('probation', 'safeguarding_checks') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'probation'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.check_id as check_id,
        source.case_id as case_id,
        source.stage as stage,
        cast(source.requested_date as date) as requested_date,
        cast(source.response_date as date) as response_date,
        source.csc_known as csc_known
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
