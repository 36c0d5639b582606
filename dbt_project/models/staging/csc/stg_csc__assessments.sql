-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc assessments: the current delivery, typed.
with

base_csc__assessments as (
    select * from {{ ref('base_csc__assessments') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        base_csc__assessments.delivery_id,
        base_csc__assessments.source_line,
        base_csc__assessments.assessment_id,
        base_csc__assessments.referral_id,
        base_csc__assessments.person_id,
        cast(base_csc__assessments.start_date as date) as start_date,
        cast(base_csc__assessments.authorised_date as date) as authorised_date,
        base_csc__assessments.factors
    from base_csc__assessments
    inner join base_ingest__current_deliveries
        on base_csc__assessments.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
