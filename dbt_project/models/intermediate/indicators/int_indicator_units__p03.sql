-- P03 Strategy discussions recorded on police systems (S47s, flow by
-- strategy_discussion_date). Numerator: S47 enquiries whose child has a police strategy
-- discussion within 2 days either side of the strategy discussion date.
with

enquiries as (
    {{ in_both_modes(ref('int_csc__s47_enquiries_keyed')) }}
),

discussions as (
    {{ in_both_modes(ref('int_police__strategy_discussions_keyed')) }}
),

recorded as (
    select distinct
        enquiries.mode,
        enquiries.s47_id
    from enquiries
    inner join discussions
        on enquiries.mode = discussions.mode
        and enquiries.child_key = discussions.child_key
        and discussions.discussion_date >= enquiries.strategy_discussion_date - 2
        and discussions.discussion_date <= enquiries.strategy_discussion_date + 2
),

final as (
    select
        enquiries.mode,
        'P03' as indicator_id,
        {{ month_end("enquiries.strategy_discussion_date") }} as month_end,
        enquiries.s47_id as unit_id,
        enquiries.locality_code,
        recorded.s47_id is not null as is_numerator
    from enquiries
    left join recorded
        on enquiries.mode = recorded.mode
        and enquiries.s47_id = recorded.s47_id
    where enquiries.strategy_discussion_date is not null
)

select * from final
