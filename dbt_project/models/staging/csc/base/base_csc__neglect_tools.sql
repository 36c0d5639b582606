-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- csc neglect_tools: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('csc', 'neglect_tools') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.tool_id,
        source.person_id,
        source.completing_agency,
        source.tool,
        source.completed_date,
        source.overall_grade
    from source
),

final as (
    select * from renamed
)

select * from final
