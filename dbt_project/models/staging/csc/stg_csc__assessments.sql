-- Generated from plugins/neglect_warehouse/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc assessments: the current delivery, typed.
with

source as (
    select * from {{ source('csc', 'assessments') }}
),

current_delivery as (
    select delivery_id from {{ source('ingest', 'current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        source._delivery_id as delivery_id,
        source._line as source_line,
        source.assessment_id as assessment_id,
        source.referral_id as referral_id,
        source.person_id as person_id,
        cast(source.start_date as date) as start_date,
        cast(source.authorised_date as date) as authorised_date,
        source.factors as factors
    from source
    inner join current_delivery
        on source._delivery_id = current_delivery.delivery_id
),

final as (
    select * from renamed
)

select * from final
