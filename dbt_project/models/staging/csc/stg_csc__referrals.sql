-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- csc referrals: the current delivery, typed.
with

base_csc__referrals as (
    select * from {{ ref('base_csc__referrals') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

current_rows as (
    select base_csc__referrals.*
    from base_csc__referrals
    inner join current_delivery
        on base_csc__referrals.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        referral_id,
        person_id,
        contact_id,
        cast(referral_date as date) as referral_date,
        source_code,
        primary_need_code,
        case nfa when 'Y' then true when 'N' then false end as nfa,
        cast(closure_date as date) as closure_date,
        closure_reason
    from current_rows
),

final as (
    select * from renamed
)

select * from final
