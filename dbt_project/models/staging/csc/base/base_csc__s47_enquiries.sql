-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- csc s47_enquiries: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('csc', 's47_enquiries') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.s47_id,
        source.referral_id,
        source.person_id,
        source.strategy_discussion_date,
        source.start_date,
        source.icpc_date,
        source.icpc_not_required
    from source
),

final as (
    select * from renamed
)

select * from final
