-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc contacts: the current delivery, typed.
with

source as (
    select * from {{ source('csc', 'contacts') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.contact_id as contact_id,
        source.person_id as person_id,
        cast(source.contact_datetime as timestamp) as contact_datetime,
        source.source_code as source_code,
        case source.neglect_factor when 'Y' then true when 'N' then false end as neglect_factor,
        cast(source.decision_datetime as timestamp) as decision_datetime,
        source.outcome as outcome
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
