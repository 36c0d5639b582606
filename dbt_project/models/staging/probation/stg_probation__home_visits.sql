-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- probation home_visits: the current delivery, typed.
with

base_probation__home_visits as (
    select * from {{ ref('base_probation__home_visits') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'probation'
),

renamed as (
    select
        base_probation__home_visits.delivery_id,
        base_probation__home_visits.source_line,
        base_probation__home_visits.visit_id,
        base_probation__home_visits.case_id,
        cast(base_probation__home_visits.visit_date as date) as visit_date,
        case base_probation__home_visits.neglect_concern when 'Y' then true when 'N' then false end as neglect_concern,
        case base_probation__home_visits.referred_to_csc when 'Y' then true when 'N' then false end as referred_to_csc
    from base_probation__home_visits
    inner join base_ingest__current_deliveries
        on base_probation__home_visits.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
