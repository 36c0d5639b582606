-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- csc assessments: the current delivery, typed.
with

base_csc__assessments as (
    select * from {{ ref('base_csc__assessments') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

current_rows as (
    select base_csc__assessments.*
    from base_csc__assessments
    inner join current_delivery
        on base_csc__assessments.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        assessment_id,
        referral_id,
        person_id,
        cast(start_date as date) as start_date,
        cast(authorised_date as date) as authorised_date,
        factors
    from current_rows
),

final as (
    select * from renamed
)

select * from final
