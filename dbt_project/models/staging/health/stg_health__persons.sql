-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- health persons: the current delivery, typed.
with

base_health__persons as (
    select * from {{ ref('base_health__persons') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'health'
),

renamed as (
    select
        base_health__persons.delivery_id,
        base_health__persons.source_line,
        base_health__persons.person_id,
        base_health__persons.person_token,
        base_health__persons.person_alt_token,
        cast(base_health__persons.birth_month || '-01' as date) as birth_month,
        base_health__persons.sex,
        base_health__persons.locality_code,
        base_health__persons.household_token
    from base_health__persons
    inner join base_ingest__current_deliveries
        on base_health__persons.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
