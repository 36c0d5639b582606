-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- health ed_attendances: the current delivery, typed.
with

base_health__ed_attendances as (
    select * from {{ ref('base_health__ed_attendances') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'health'
),

renamed as (
    select
        base_health__ed_attendances.delivery_id,
        base_health__ed_attendances.source_line,
        base_health__ed_attendances.attendance_id,
        base_health__ed_attendances.person_id,
        cast(base_health__ed_attendances.arrival_datetime as timestamp) as arrival_datetime,
        case base_health__ed_attendances.safeguarding_concern when 'Y' then true when 'N' then false end as safeguarding_concern,
        case base_health__ed_attendances.referred_to_csc when 'Y' then true when 'N' then false end as referred_to_csc
    from base_health__ed_attendances
    inner join base_ingest__current_deliveries
        on base_health__ed_attendances.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
