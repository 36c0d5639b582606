-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc contacts: the current delivery, typed.
with

base_csc__contacts as (
    select * from {{ ref('base_csc__contacts') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        base_csc__contacts.delivery_id,
        base_csc__contacts.source_line,
        base_csc__contacts.contact_id,
        base_csc__contacts.person_id,
        cast(base_csc__contacts.contact_datetime as timestamp) as contact_datetime,
        base_csc__contacts.source_code,
        case base_csc__contacts.neglect_factor when 'Y' then true when 'N' then false end as neglect_factor,
        cast(base_csc__contacts.decision_datetime as timestamp) as decision_datetime,
        base_csc__contacts.outcome
    from base_csc__contacts
    inner join base_ingest__current_deliveries
        on base_csc__contacts.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
