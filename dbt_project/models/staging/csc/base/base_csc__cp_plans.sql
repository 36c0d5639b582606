-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- csc cp_plans: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('csc', 'cp_plans') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.cp_plan_id,
        source.referral_id,
        source.person_id,
        source.start_date,
        source.end_date,
        source.initial_category,
        source.latest_category
    from source
),

final as (
    select * from renamed
)

select * from final
