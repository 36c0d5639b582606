-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc neglect_tools: the current delivery, typed.
with

source as (
    select * from {{ source('csc', 'neglect_tools') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.tool_id as tool_id,
        source.person_id as person_id,
        source.completing_agency as completing_agency,
        source.tool as tool,
        cast(source.completed_date as date) as completed_date,
        source.overall_grade as overall_grade
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
