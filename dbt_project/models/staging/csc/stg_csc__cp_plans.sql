-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc cp_plans: the current delivery, typed.
with

source as (
    select * from {{ source('csc', 'cp_plans') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.cp_plan_id as cp_plan_id,
        source.referral_id as referral_id,
        source.person_id as person_id,
        cast(source.start_date as date) as start_date,
        cast(source.end_date as date) as end_date,
        source.initial_category as initial_category,
        source.latest_category as latest_category
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
