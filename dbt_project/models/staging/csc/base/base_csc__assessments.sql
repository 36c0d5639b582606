-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- csc assessments: every loaded delivery, as delivered (text).
with

source as (
    select * from {{ source('csc', 'assessments') }}
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.assessment_id,
        source.referral_id,
        source.person_id,
        source.start_date,
        source.authorised_date,
        source.factors
    from source
),

final as (
    select * from renamed
)

select * from final
