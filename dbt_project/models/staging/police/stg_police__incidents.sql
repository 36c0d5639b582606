-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- police incidents: the current delivery, typed.
with

base_police__incidents as (
    select * from {{ ref('base_police__incidents') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'police'
),

current_rows as (
    select base_police__incidents.*
    from base_police__incidents
    inner join current_delivery
        on base_police__incidents.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        incident_id,
        cast(incident_datetime as timestamp) as incident_datetime,
        incident_type,
        locality_code,
        household_token,
        case children_present when 'Y' then true when 'N' then false end as children_present
    from current_rows
),

final as (
    select * from renamed
)

select * from final
