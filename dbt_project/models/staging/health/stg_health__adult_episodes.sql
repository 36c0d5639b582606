-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- health adult_episodes: the current delivery, typed.
with

source as (
    select * from {{ source('health', 'adult_episodes') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'health'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.episode_id as episode_id,
        source.person_id as person_id,
        source.service as service,
        cast(source.start_date as date) as start_date,
        cast(source.end_date as date) as end_date,
        case source.child_risk_reviewed when 'Y' then true when 'N' then false end as child_risk_reviewed
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
