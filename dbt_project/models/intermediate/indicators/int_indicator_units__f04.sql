-- F04 ICPCs within 15 working days of the S47 start (S47s, flow by icpc_date). Denominator:
-- S47 enquiries with an ICPC; numerator: wd(start_date, icpc_date) ≤ 15.
with

calendar as (
    select * from {{ ref('int_calendar') }}
),

enquiries as (
    {{ in_both_modes(ref('int_csc__s47_enquiries_keyed')) }}
),

final as (
    select
        enquiries.mode,
        'F04' as indicator_id,
        {{ month_end("enquiries.icpc_date") }} as month_end,
        enquiries.s47_id as unit_id,
        enquiries.locality_code,
        coalesce({{ working_days('started', 'conference') }} <= 15, false) as is_numerator
    from enquiries
    left join calendar as started
        on enquiries.start_date = started.calendar_date
    left join calendar as conference
        on enquiries.icpc_date = conference.calendar_date
    where enquiries.icpc_date is not null
)

select * from final
