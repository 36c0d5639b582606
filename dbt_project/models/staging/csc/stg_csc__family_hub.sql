-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc family_hub: the current delivery, typed.
with

base_csc__family_hub as (
    select * from {{ ref('base_csc__family_hub') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        base_csc__family_hub.delivery_id,
        base_csc__family_hub.source_line,
        base_csc__family_hub.person_id,
        cast(base_csc__family_hub.registered_date as date) as registered_date,
        cast(base_csc__family_hub.last_attended_date as date) as last_attended_date
    from base_csc__family_hub
    inner join base_ingest__current_deliveries
        on base_csc__family_hub.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
