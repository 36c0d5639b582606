-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- csc s47_enquiries: the current delivery, typed.
with

base_csc__s47_enquiries as (
    select * from {{ ref('base_csc__s47_enquiries') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

current_rows as (
    select base_csc__s47_enquiries.*
    from base_csc__s47_enquiries
    inner join current_delivery
        on base_csc__s47_enquiries.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        s47_id,
        referral_id,
        person_id,
        cast(strategy_discussion_date as date) as strategy_discussion_date,
        cast(start_date as date) as start_date,
        cast(icpc_date as date) as icpc_date,
        case icpc_not_required when 'Y' then true when 'N' then false end as icpc_not_required
    from current_rows
),

final as (
    select * from renamed
)

select * from final
