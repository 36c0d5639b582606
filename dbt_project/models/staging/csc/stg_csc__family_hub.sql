-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- csc family_hub: the current delivery, typed.
with

base_csc__family_hub as (
    select * from {{ ref('base_csc__family_hub') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

current_rows as (
    select base_csc__family_hub.*
    from base_csc__family_hub
    inner join current_delivery
        on base_csc__family_hub.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        person_id,
        cast(registered_date as date) as registered_date,
        cast(last_attended_date as date) as last_attended_date
    from current_rows
),

final as (
    select * from renamed
)

select * from final
