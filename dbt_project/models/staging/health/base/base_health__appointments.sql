-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- health appointments: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('health', 'appointments') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.appointment_id,
        source.person_id,
        source.service,
        source.appointment_type,
        source.requested_date,
        source.due_date,
        source.scheduled_date,
        source.outcome
    from source
),

final as (
    select * from renamed
)

select * from final
