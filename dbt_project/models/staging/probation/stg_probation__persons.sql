-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- probation persons: the current delivery, typed.
with

base_probation__persons as (
    select * from {{ ref('base_probation__persons') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'probation'
),

renamed as (
    select
        base_probation__persons.delivery_id,
        base_probation__persons.source_line,
        base_probation__persons.person_id,
        base_probation__persons.person_token,
        base_probation__persons.person_alt_token,
        cast(base_probation__persons.birth_month || '-01' as date) as birth_month,
        base_probation__persons.sex,
        base_probation__persons.household_token
    from base_probation__persons
    inner join base_ingest__current_deliveries
        on base_probation__persons.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
