-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- health adult_episodes: the current delivery, typed.
with

base_health__adult_episodes as (
    select * from {{ ref('base_health__adult_episodes') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'health'
),

current_rows as (
    select base_health__adult_episodes.*
    from base_health__adult_episodes
    inner join current_delivery
        on base_health__adult_episodes.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        episode_id,
        person_id,
        service,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        case child_risk_reviewed when 'Y' then true when 'N' then false end as child_risk_reviewed
    from current_rows
),

final as (
    select * from renamed
)

select * from final
