-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- csc contacts: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('csc', 'contacts') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.contact_id,
        source.person_id,
        source.contact_datetime,
        source.source_code,
        source.neglect_factor,
        source.decision_datetime,
        source.outcome
    from source
),

final as (
    select * from renamed
)

select * from final
