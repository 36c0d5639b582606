-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- csc neglect_tools: the current delivery, typed.
with

base_csc__neglect_tools as (
    select * from {{ ref('base_csc__neglect_tools') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

current_rows as (
    select base_csc__neglect_tools.*
    from base_csc__neglect_tools
    inner join current_delivery
        on base_csc__neglect_tools.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        tool_id,
        person_id,
        completing_agency,
        tool,
        cast(completed_date as date) as completed_date,
        overall_grade
    from current_rows
),

final as (
    select * from renamed
)

select * from final
