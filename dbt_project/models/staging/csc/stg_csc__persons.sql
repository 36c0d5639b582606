-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- csc persons: the current delivery, typed.
with

base_csc__persons as (
    select * from {{ ref('base_csc__persons') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'csc'
),

renamed as (
    select
        base_csc__persons.delivery_id,
        base_csc__persons.source_line,
        base_csc__persons.person_id,
        base_csc__persons.person_token,
        base_csc__persons.person_alt_token,
        cast(base_csc__persons.birth_month || '-01' as date) as birth_month,
        base_csc__persons.sex,
        base_csc__persons.ethnicity,
        case base_csc__persons.disabled when 'Y' then true when 'N' then false end as disabled,
        base_csc__persons.locality_code,
        base_csc__persons.household_token
    from base_csc__persons
    inner join base_ingest__current_deliveries
        on base_csc__persons.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
