-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- csc cin_plans: the current delivery, typed.
with

base_csc__cin_plans as (
    select * from {{ ref('base_csc__cin_plans') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

current_rows as (
    select base_csc__cin_plans.*
    from base_csc__cin_plans
    inner join current_delivery
        on base_csc__cin_plans.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        cin_plan_id,
        referral_id,
        person_id,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date
    from current_rows
),

final as (
    select * from renamed
)

select * from final
