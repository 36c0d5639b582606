-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- police incidents: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('police', 'incidents') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.incident_id,
        source.incident_datetime,
        source.incident_type,
        source.locality_code,
        source.household_token,
        source.children_present
    from source
),

final as (
    select * from renamed
)

select * from final
