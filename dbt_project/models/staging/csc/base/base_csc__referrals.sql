-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- csc referrals: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('csc', 'referrals') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.referral_id,
        source.person_id,
        source.contact_id,
        source.referral_date,
        source.source_code,
        source.primary_need_code,
        source.nfa,
        source.closure_date,
        source.closure_reason
    from source
),

final as (
    select * from renamed
)

select * from final
