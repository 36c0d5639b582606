-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- health ed_attendances: the current delivery, typed.
with

source as (
    select * from {{ source('health', 'ed_attendances') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'health'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.attendance_id as attendance_id,
        source.person_id as person_id,
        cast(source.arrival_datetime as timestamp) as arrival_datetime,
        case source.safeguarding_concern when 'Y' then true when 'N' then false end as safeguarding_concern,
        case source.referred_to_csc when 'Y' then true when 'N' then false end as referred_to_csc
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
