-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- probation home_visits: the current delivery, typed.
with

base_probation__home_visits as (
    select * from {{ ref('base_probation__home_visits') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'probation'
),

current_rows as (
    select base_probation__home_visits.*
    from base_probation__home_visits
    inner join current_delivery
        on base_probation__home_visits.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        visit_id,
        case_id,
        cast(visit_date as date) as visit_date,
        case neglect_concern when 'Y' then true when 'N' then false end as neglect_concern,
        case referred_to_csc when 'Y' then true when 'N' then false end as referred_to_csc
    from current_rows
),

final as (
    select * from renamed
)

select * from final
