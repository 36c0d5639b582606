-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- police incidents: the current delivery, typed.
with

base_police__incidents as (
    select * from {{ ref('base_police__incidents') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'police'
),

renamed as (
    select
        base_police__incidents.delivery_id,
        base_police__incidents.source_line,
        base_police__incidents.incident_id,
        cast(base_police__incidents.incident_datetime as timestamp) as incident_datetime,
        base_police__incidents.incident_type,
        base_police__incidents.locality_code,
        base_police__incidents.household_token,
        case base_police__incidents.children_present when 'Y' then true when 'N' then false end as children_present
    from base_police__incidents
    inner join base_ingest__current_deliveries
        on base_police__incidents.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
