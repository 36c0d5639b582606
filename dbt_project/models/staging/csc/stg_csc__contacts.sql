-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- csc contacts: the current delivery, typed.
with

base_csc__contacts as (
    select * from {{ ref('base_csc__contacts') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

current_rows as (
    select base_csc__contacts.*
    from base_csc__contacts
    inner join current_delivery
        on base_csc__contacts.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        contact_id,
        person_id,
        cast(contact_datetime as timestamp) as contact_datetime,
        source_code,
        case neglect_factor when 'Y' then true when 'N' then false end as neglect_factor,
        cast(decision_datetime as timestamp) as decision_datetime,
        outcome
    from current_rows
),

final as (
    select * from renamed
)

select * from final
