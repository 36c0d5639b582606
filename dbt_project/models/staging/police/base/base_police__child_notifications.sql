-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- police child_notifications: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('police', 'child_notifications') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.notification_id,
        source.incident_id,
        source.person_id,
        source.notification_datetime,
        source.risk_grade,
        source.neglect_concern,
        source.child_present,
        source.voice_of_child_recorded,
        source.shared_with_csc_datetime
    from source
),

final as (
    select * from renamed
)

select * from final
