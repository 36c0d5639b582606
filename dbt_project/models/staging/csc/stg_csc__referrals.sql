-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc referrals: the current delivery, typed.
with

base_csc__referrals as (
    select * from {{ ref('base_csc__referrals') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        base_csc__referrals.delivery_id,
        base_csc__referrals.source_line,
        base_csc__referrals.referral_id,
        base_csc__referrals.person_id,
        base_csc__referrals.contact_id,
        cast(base_csc__referrals.referral_date as date) as referral_date,
        base_csc__referrals.source_code,
        base_csc__referrals.primary_need_code,
        case base_csc__referrals.nfa when 'Y' then true when 'N' then false end as nfa,
        cast(base_csc__referrals.closure_date as date) as closure_date,
        base_csc__referrals.closure_reason
    from base_csc__referrals
    inner join base_ingest__current_deliveries
        on base_csc__referrals.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
