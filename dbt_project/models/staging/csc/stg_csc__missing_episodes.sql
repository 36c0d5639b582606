-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- csc missing_episodes: the current delivery, typed.
with

base_csc__missing_episodes as (
    select * from {{ ref('base_csc__missing_episodes') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

current_rows as (
    select base_csc__missing_episodes.*
    from base_csc__missing_episodes
    inner join current_delivery
        on base_csc__missing_episodes.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        missing_id,
        person_id,
        cast(start_datetime as timestamp) as start_datetime,
        cast(end_datetime as timestamp) as end_datetime,
        case rhi_offered when 'Y' then true when 'N' then false end as rhi_offered,
        cast(rhi_completed_date as date) as rhi_completed_date
    from current_rows
),

final as (
    select * from renamed
)

select * from final
