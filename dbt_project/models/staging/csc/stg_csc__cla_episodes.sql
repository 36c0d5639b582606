-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc cla_episodes: the current delivery, typed.
with

source as (
    select * from {{ source('csc', 'cla_episodes') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.episode_id as episode_id,
        source.person_id as person_id,
        cast(source.start_date as date) as start_date,
        cast(source.end_date as date) as end_date,
        source.reason_new_episode as reason_new_episode,
        source.legal_status as legal_status,
        source.category_of_need as category_of_need,
        source.reason_ceased as reason_ceased
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
