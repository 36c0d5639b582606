-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- health adult_episodes: the current delivery, typed.
with

base_health__adult_episodes as (
    select * from {{ ref('base_health__adult_episodes') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'health'
),

renamed as (
    select
        base_health__adult_episodes.delivery_id,
        base_health__adult_episodes.source_line,
        base_health__adult_episodes.episode_id,
        base_health__adult_episodes.person_id,
        base_health__adult_episodes.service,
        cast(base_health__adult_episodes.start_date as date) as start_date,
        cast(base_health__adult_episodes.end_date as date) as end_date,
        case base_health__adult_episodes.child_risk_reviewed when 'Y' then true when 'N' then false end as child_risk_reviewed
    from base_health__adult_episodes
    inner join base_ingest__current_deliveries
        on base_health__adult_episodes.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
