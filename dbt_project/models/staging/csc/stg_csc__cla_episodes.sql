-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc cla_episodes: the current delivery, typed.
with

base_csc__cla_episodes as (
    select * from {{ ref('base_csc__cla_episodes') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        base_csc__cla_episodes.delivery_id,
        base_csc__cla_episodes.source_line,
        base_csc__cla_episodes.episode_id,
        base_csc__cla_episodes.person_id,
        cast(base_csc__cla_episodes.start_date as date) as start_date,
        cast(base_csc__cla_episodes.end_date as date) as end_date,
        base_csc__cla_episodes.reason_new_episode,
        base_csc__cla_episodes.legal_status,
        base_csc__cla_episodes.category_of_need,
        base_csc__cla_episodes.reason_ceased
    from base_csc__cla_episodes
    inner join base_ingest__current_deliveries
        on base_csc__cla_episodes.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
