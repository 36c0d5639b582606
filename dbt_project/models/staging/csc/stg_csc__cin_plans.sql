-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc cin_plans: the current delivery, typed.
with

base_csc__cin_plans as (
    select * from {{ ref('base_csc__cin_plans') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        base_csc__cin_plans.delivery_id,
        base_csc__cin_plans.source_line,
        base_csc__cin_plans.cin_plan_id,
        base_csc__cin_plans.referral_id,
        base_csc__cin_plans.person_id,
        cast(base_csc__cin_plans.start_date as date) as start_date,
        cast(base_csc__cin_plans.end_date as date) as end_date
    from base_csc__cin_plans
    inner join base_ingest__current_deliveries
        on base_csc__cin_plans.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
