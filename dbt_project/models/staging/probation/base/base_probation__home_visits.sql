-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- probation home_visits: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('probation', 'home_visits') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.visit_id,
        source.case_id,
        source.visit_date,
        source.neglect_concern,
        source.referred_to_csc
    from source
),

final as (
    select * from renamed
)

select * from final
