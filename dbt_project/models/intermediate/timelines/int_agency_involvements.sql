{{ config(materialized='view') }}
{#
    When each child was known to police, health and probation (indicators.md §1, "known to an
    agency in a window"), per mode, as intervals [start_date, end_date): the agencies'
    involvements (int_<agency>__involvements) in one relation, each row with its agency.
#}
with

police_involvements as (
    select * from {{ ref('int_police__involvements') }}
),

health_involvements as (
    select * from {{ ref('int_health__involvements') }}
),

probation_involvements as (
    select * from {{ ref('int_probation__involvements') }}
),

unioned as (
    select * from police_involvements
    union all
    select * from health_involvements
    union all
    select * from probation_involvements
),

final as (
    select * from unioned
)

select * from final
