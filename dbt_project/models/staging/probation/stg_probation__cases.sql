-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- probation cases: the current delivery, typed.
with

source as (
    select * from {{ source('probation', 'cases') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'probation'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.case_id as case_id,
        source.person_id as person_id,
        source.provider as provider,
        cast(source.start_date as date) as start_date,
        cast(source.end_date as date) as end_date,
        source.rosh_children as rosh_children,
        source.children_in_household as children_in_household
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
