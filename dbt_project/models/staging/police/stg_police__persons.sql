-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- police persons: the current delivery, typed.
with

base_police__persons as (
    select * from {{ ref('base_police__persons') }}
),

current_delivery as (
    select * from {{ ref('base_ingest__current_deliveries') }}
    where agency = 'police'
),

current_rows as (
    select base_police__persons.*
    from base_police__persons
    inner join current_delivery
        on base_police__persons.delivery_id = current_delivery.delivery_id
),

renamed as (
    select
        delivery_id,
        source_line,
        person_id,
        person_token,
        person_alt_token,
        cast(birth_month || '-01' as date) as birth_month,
        sex
    from current_rows
),

final as (
    select * from renamed
)

select * from final
