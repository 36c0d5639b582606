-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc missing_episodes: the current delivery, typed.
with

base_csc__missing_episodes as (
    select * from {{ ref('base_csc__missing_episodes') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        base_csc__missing_episodes.delivery_id,
        base_csc__missing_episodes.source_line,
        base_csc__missing_episodes.missing_id,
        base_csc__missing_episodes.person_id,
        cast(base_csc__missing_episodes.start_datetime as timestamp) as start_datetime,
        cast(base_csc__missing_episodes.end_datetime as timestamp) as end_datetime,
        case base_csc__missing_episodes.rhi_offered when 'Y' then true when 'N' then false end as rhi_offered,
        cast(base_csc__missing_episodes.rhi_completed_date as date) as rhi_completed_date
    from base_csc__missing_episodes
    inner join base_ingest__current_deliveries
        on base_csc__missing_episodes.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
