-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- probation persons: the current delivery, typed.
with

base_probation__persons as (
    select * from {{ ref('base_probation__persons') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'probation'
),

current_rows as (
    select base_probation__persons.*
    from base_probation__persons
    inner join current_delivery
        on base_probation__persons.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        person_id,
        person_token,
        person_alt_token,
        cast(birth_month || '-01' as date) as birth_month,
        sex,
        household_token
    from current_rows
),

final as (
    select * from renamed
)

select * from final
