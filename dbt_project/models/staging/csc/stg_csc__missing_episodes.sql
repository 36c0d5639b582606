-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc missing_episodes: the current delivery, typed.
with

source as (
    select * from {{ source('csc', 'missing_episodes') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.missing_id as missing_id,
        source.person_id as person_id,
        cast(source.start_datetime as timestamp) as start_datetime,
        cast(source.end_datetime as timestamp) as end_datetime,
        case source.rhi_offered when 'Y' then true when 'N' then false end as rhi_offered,
        cast(source.rhi_completed_date as date) as rhi_completed_date
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
