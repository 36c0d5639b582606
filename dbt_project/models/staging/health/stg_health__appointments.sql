-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- health appointments: the current delivery, typed.
with

source as (
    select * from {{ source('health', 'appointments') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'health'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.appointment_id as appointment_id,
        source.person_id as person_id,
        source.service as service,
        source.appointment_type as appointment_type,
        cast(source.requested_date as date) as requested_date,
        cast(source.due_date as date) as due_date,
        cast(source.scheduled_date as date) as scheduled_date,
        source.outcome as outcome
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
