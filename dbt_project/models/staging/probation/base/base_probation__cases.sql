-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- probation cases: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('probation', 'cases') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.case_id,
        source.person_id,
        source.provider,
        source.start_date,
        source.end_date,
        source.rosh_children,
        source.children_in_household
    from source
),

final as (
    select * from renamed
)

select * from final
