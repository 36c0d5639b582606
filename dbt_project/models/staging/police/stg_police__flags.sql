-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- police flags: the current delivery, typed.
with

base_police__flags as (
    select * from {{ ref('base_police__flags') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'police'
),

renamed as (
    select
        base_police__flags.delivery_id,
        base_police__flags.source_line,
        base_police__flags.flag_id,
        base_police__flags.person_id,
        base_police__flags.flag_type,
        cast(base_police__flags.start_date as date) as start_date,
        cast(base_police__flags.end_date as date) as end_date
    from base_police__flags
    inner join base_ingest__current_deliveries
        on base_police__flags.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
