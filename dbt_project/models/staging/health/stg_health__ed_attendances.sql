-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- health ed_attendances: the current delivery, typed.
with

base_health__ed_attendances as (
    select * from {{ ref('base_health__ed_attendances') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'health'
),

current_rows as (
    select base_health__ed_attendances.*
    from base_health__ed_attendances
    inner join current_delivery
        on base_health__ed_attendances.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        attendance_id,
        person_id,
        cast(arrival_datetime as timestamp) as arrival_datetime,
        case safeguarding_concern when 'Y' then true when 'N' then false end
            as safeguarding_concern,
        case referred_to_csc when 'Y' then true when 'N' then false end as referred_to_csc
    from current_rows
),

final as (
    select * from renamed
)

select * from final
