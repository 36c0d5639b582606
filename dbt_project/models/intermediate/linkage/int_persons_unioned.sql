-- Generated from plugins/neglect_warehouse/shared/contract
-- by `neglect-warehouse contract sync`; do not edit by hand.
-- Every agency's person records of its current delivery, in one relation: one branch per
-- agency of the contract.
{{ config(materialized="view") }}
with

stg_csc__persons as (
    select * from {{ ref('stg_csc__persons') }}
),

stg_police__persons as (
    select * from {{ ref('stg_police__persons') }}
),

stg_health__persons as (
    select * from {{ ref('stg_health__persons') }}
),

stg_probation__persons as (
    select * from {{ ref('stg_probation__persons') }}
),

unioned as (
    select
        'csc' as agency,
        stg_csc__persons.person_id,
        stg_csc__persons.person_token,
        stg_csc__persons.person_alt_token
    from stg_csc__persons
    union all
    select
        'police' as agency,
        stg_police__persons.person_id,
        stg_police__persons.person_token,
        stg_police__persons.person_alt_token
    from stg_police__persons
    union all
    select
        'health' as agency,
        stg_health__persons.person_id,
        stg_health__persons.person_token,
        stg_health__persons.person_alt_token
    from stg_health__persons
    union all
    select
        'probation' as agency,
        stg_probation__persons.person_id,
        stg_probation__persons.person_token,
        stg_probation__persons.person_alt_token
    from stg_probation__persons
),

final as (
    select * from unioned
)

select * from final
