-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc s47_enquiries: the current delivery, typed.
with

source as (
    select * from {{ source('csc', 's47_enquiries') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.s47_id as s47_id,
        source.referral_id as referral_id,
        source.person_id as person_id,
        cast(source.strategy_discussion_date as date) as strategy_discussion_date,
        cast(source.start_date as date) as start_date,
        cast(source.icpc_date as date) as icpc_date,
        case source.icpc_not_required when 'Y' then true when 'N' then false end as icpc_not_required
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
