-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc neglect_tools: the current delivery, typed.
with

base_csc__neglect_tools as (
    select * from {{ ref('base_csc__neglect_tools') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        base_csc__neglect_tools.delivery_id,
        base_csc__neglect_tools.source_line,
        base_csc__neglect_tools.tool_id,
        base_csc__neglect_tools.person_id,
        base_csc__neglect_tools.completing_agency,
        base_csc__neglect_tools.tool,
        cast(base_csc__neglect_tools.completed_date as date) as completed_date,
        base_csc__neglect_tools.overall_grade
    from base_csc__neglect_tools
    inner join base_ingest__current_deliveries
        on base_csc__neglect_tools.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
