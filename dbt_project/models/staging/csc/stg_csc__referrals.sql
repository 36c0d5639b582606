-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc referrals: the current delivery, typed.
with

source as (
    select * from {{ source('csc', 'referrals') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.referral_id as referral_id,
        source.person_id as person_id,
        source.contact_id as contact_id,
        cast(source.referral_date as date) as referral_date,
        source.source_code as source_code,
        source.primary_need_code as primary_need_code,
        case source.nfa when 'Y' then true when 'N' then false end as nfa,
        cast(source.closure_date as date) as closure_date,
        source.closure_reason as closure_reason
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
