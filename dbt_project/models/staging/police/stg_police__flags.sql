-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- police flags: the current delivery, typed.
with

base_police__flags as (
    select * from {{ ref('base_police__flags') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'police'
),

current_rows as (
    select base_police__flags.*
    from base_police__flags
    inner join current_delivery
        on base_police__flags.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        flag_id,
        person_id,
        flag_type,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date
    from current_rows
),

final as (
    select * from renamed
)

select * from final
