-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- health appointments: the current delivery, typed.
with

base_health__appointments as (
    select * from {{ ref('base_health__appointments') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'health'
),

renamed as (
    select
        base_health__appointments.delivery_id,
        base_health__appointments.source_line,
        base_health__appointments.appointment_id,
        base_health__appointments.person_id,
        base_health__appointments.service,
        base_health__appointments.appointment_type,
        cast(base_health__appointments.requested_date as date) as requested_date,
        cast(base_health__appointments.due_date as date) as due_date,
        cast(base_health__appointments.scheduled_date as date) as scheduled_date,
        base_health__appointments.outcome
    from base_health__appointments
    inner join base_ingest__current_deliveries
        on base_health__appointments.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
