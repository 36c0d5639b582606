-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- health appointments: the current delivery, typed.
with

base_health__appointments as (
    select * from {{ ref('base_health__appointments') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'health'
),

current_rows as (
    select base_health__appointments.*
    from base_health__appointments
    inner join current_delivery
        on base_health__appointments.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        appointment_id,
        person_id,
        service,
        appointment_type,
        cast(requested_date as date) as requested_date,
        cast(due_date as date) as due_date,
        cast(scheduled_date as date) as scheduled_date,
        outcome
    from current_rows
),

final as (
    select * from renamed
)

select * from final
