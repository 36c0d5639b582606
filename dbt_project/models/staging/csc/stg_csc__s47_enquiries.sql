-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc s47_enquiries: the current delivery, typed.
with

base_csc__s47_enquiries as (
    select * from {{ ref('base_csc__s47_enquiries') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        base_csc__s47_enquiries.delivery_id,
        base_csc__s47_enquiries.source_line,
        base_csc__s47_enquiries.s47_id,
        base_csc__s47_enquiries.referral_id,
        base_csc__s47_enquiries.person_id,
        cast(base_csc__s47_enquiries.strategy_discussion_date as date) as strategy_discussion_date,
        cast(base_csc__s47_enquiries.start_date as date) as start_date,
        cast(base_csc__s47_enquiries.icpc_date as date) as icpc_date,
        case base_csc__s47_enquiries.icpc_not_required when 'Y' then true when 'N' then false end as icpc_not_required
    from base_csc__s47_enquiries
    inner join base_ingest__current_deliveries
        on base_csc__s47_enquiries.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
