-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- csc cla_episodes: the current delivery, typed.
with

base_csc__cla_episodes as (
    select * from {{ ref('base_csc__cla_episodes') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

current_rows as (
    select base_csc__cla_episodes.*
    from base_csc__cla_episodes
    inner join current_delivery
        on base_csc__cla_episodes.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        episode_id,
        person_id,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        reason_new_episode,
        legal_status,
        category_of_need,
        reason_ceased
    from current_rows
),

final as (
    select * from renamed
)

select * from final
