{{ config(materialized="view") }}
-- Every agency's person records of its current delivery, in one table.
with

csc as (
    select 'csc' as agency, person_id, person_token, person_alt_token
    from {{ ref('stg_csc__persons') }}
),

police as (
    select 'police' as agency, person_id, person_token, person_alt_token
    from {{ ref('stg_police__persons') }}
),

health as (
    select 'health' as agency, person_id, person_token, person_alt_token
    from {{ ref('stg_health__persons') }}
),

probation as (
    select 'probation' as agency, person_id, person_token, person_alt_token
    from {{ ref('stg_probation__persons') }}
),

final as (
    select * from csc
    union all
    select * from police
    union all
    select * from health
    union all
    select * from probation
)

select * from final
