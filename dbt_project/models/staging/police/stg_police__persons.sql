-- Generated from plugins/neglect_warehouse/shared/contract by `neglect-warehouse contract sync`; do not edit by hand.
-- police persons: the current delivery, typed.
with

base_police__persons as (
    select * from {{ ref('base_police__persons') }}
),

base_ingest__current_deliveries as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'police'
),

renamed as (
    select
        base_police__persons.delivery_id,
        base_police__persons.source_line,
        base_police__persons.person_id,
        base_police__persons.person_token,
        base_police__persons.person_alt_token,
        cast(base_police__persons.birth_month || '-01' as date) as birth_month,
        base_police__persons.sex
    from base_police__persons
    inner join base_ingest__current_deliveries
        on base_police__persons.delivery_id = base_ingest__current_deliveries.delivery_id
),

final as (
    select * from renamed
)

select * from final
