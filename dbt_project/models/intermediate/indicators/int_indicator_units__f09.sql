-- F09 Return home interviews within 72 hours (episodes, flow by return date). Denominator:
-- missing episodes with an end_datetime; numerator: rhi_completed_date ≤ date(end_datetime)
-- + 3 days.
with

periods as (
    select * from {{ ref('int_periods') }}
),

episodes as (
    {{ in_both_modes(ref('int_csc__missing_episodes_keyed')) }}
),

final as (
    select
        episodes.mode,
        'F09' as indicator_id,
        periods.period_end,
        episodes.missing_id as unit_id,
        episodes.locality_code,
        coalesce(
            episodes.rhi_completed_date <= cast(episodes.end_datetime as date) + 3, false
        ) as is_numerator
    from episodes
    inner join periods
        on {{ in_flow_window('cast(episodes.end_datetime as date)') }}
)

select * from final
