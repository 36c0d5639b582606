-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- probation safeguarding_checks: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('probation', 'safeguarding_checks') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.check_id,
        source.case_id,
        source.stage,
        source.requested_date,
        source.response_date,
        source.csc_known
    from source
),

final as (
    select * from renamed
)

select * from final
