-- F09 Return home interviews within 72 hours (episodes, flow by return date). Denominator:
-- missing episodes with an end_datetime; numerator: rhi_completed_date ≤ date(end_datetime)
-- + 3 days.
with

episodes as (
    {{ in_both_modes(ref('int_csc__missing_episodes_keyed')) }}
),

final as (
    select
        episodes.mode,
        'F09' as indicator_id,
        {{ month_end("cast(episodes.end_datetime as date)") }} as month_end,
        episodes.missing_id as unit_id,
        episodes.locality_code,
        coalesce(
            episodes.rhi_completed_date <= cast(episodes.end_datetime as date) + 3, false
        ) as is_numerator
    from episodes
    where cast(episodes.end_datetime as date) is not null
)

select * from final
