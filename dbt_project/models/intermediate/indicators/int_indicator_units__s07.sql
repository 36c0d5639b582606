-- S07 Children starting care for abuse or neglect (episodes, flow by start). Denominator: CLA
-- episodes with reason_new_episode S; numerator: … with category_of_need N1.
with

periods as (
    select * from {{ ref('int_periods') }}
),

episodes as (
    {{ in_both_modes(ref('int_csc__cla_episodes_keyed')) }}
),

final as (
    select
        episodes.mode,
        'S07' as indicator_id,
        periods.period_end,
        episodes.episode_id as unit_id,
        episodes.locality_code,
        episodes.category_of_need = 'N1' as is_numerator
    from episodes
    inner join periods
        on {{ in_flow_window('episodes.start_date') }}
    where episodes.reason_new_episode = 'S'
)

select * from final
