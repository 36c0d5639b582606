-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- health ed_attendances: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('health', 'ed_attendances') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.attendance_id,
        source.person_id,
        source.arrival_datetime,
        source.safeguarding_concern,
        source.referred_to_csc
    from source
),

final as (
    select * from renamed
)

select * from final
