{#
    When each child was known to probation (indicators.md §1, "known to an agency in a
    window"), per mode, as intervals [start_date, end_date): a case its own interval
    (end_date null while open). Matched by child key, never by household.
#}
with

cases as (
    {{ in_both_modes(ref('int_probation__cases_keyed')) }}
),

final as (
    select
        cases.mode,
        cases.agency,
        cases.child_key,
        cases.start_date,
        cases.end_date
    from cases
)

select * from final
