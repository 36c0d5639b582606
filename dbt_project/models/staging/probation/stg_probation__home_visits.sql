-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- probation home_visits: the current delivery, typed.
with

source as (
    select * from {{ source('probation', 'home_visits') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'probation'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.visit_id as visit_id,
        source.case_id as case_id,
        cast(source.visit_date as date) as visit_date,
        case source.neglect_concern when 'Y' then true when 'N' then false end as neglect_concern,
        case source.referred_to_csc when 'Y' then true when 'N' then false end as referred_to_csc
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
