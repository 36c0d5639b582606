-- S07 Children starting care for abuse or neglect (episodes, flow by start). Denominator: CLA
-- episodes with reason_new_episode S; numerator: … with category_of_need N1.
with

episodes as (
    {{ in_both_modes(ref('int_csc__cla_episodes_keyed')) }}
),

final as (
    select
        episodes.mode,
        'S07' as indicator_id,
        {{ month_end("episodes.start_date") }} as month_end,
        episodes.episode_id as unit_id,
        episodes.locality_code,
        episodes.category_of_need = 'N1' as is_numerator
    from episodes
    where episodes.start_date is not null
        and episodes.reason_new_episode = 'S'
)

select * from final
