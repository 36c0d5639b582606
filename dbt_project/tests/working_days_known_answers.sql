-- wd(a, b), the working days in (a, b] (indicators.md §1), counted by hand on the England
-- and Wales calendar around Christmas 2024 and Easter 2025 (25, 26 Dec 2024, 1 Jan, 18 and
-- 21 Apr 2025 are bank holidays). The same counts are used in the indicator unit tests. Any
-- row returned is a wrong count, or (with a null count) a known answer that could not be
-- computed because a date is missing from the calendar.
with

calendar as (
    select * from {{ ref('int_calendar') }}
),

known (from_date, to_date, working_days) as (
    values
    (cast('2024-11-01' as date), cast('2025-01-08' as date), 45),
    (cast('2024-11-01' as date), cast('2025-01-09' as date), 46),
    (cast('2024-12-16' as date), cast('2025-01-09' as date), 15),
    (cast('2024-12-16' as date), cast('2025-01-10' as date), 16),
    (cast('2024-12-20' as date), cast('2024-12-31' as date), 5),
    (cast('2024-12-20' as date), cast('2025-01-02' as date), 6),
    (cast('2024-12-24' as date), cast('2024-12-27' as date), 1),
    (cast('2025-04-17' as date), cast('2025-04-22' as date), 1),
    (cast('2025-04-19' as date), cast('2025-04-20' as date), 0)
),

computed as (
    select
        known.*,
        {{ working_days('a', 'b') }} as computed_working_days
    from known
    inner join calendar as a
        on known.from_date = a.calendar_date
    inner join calendar as b
        on known.to_date = b.calendar_date
),

computed_count as (
    select count(*) as computed_rows
    from computed
),

final as (
    select * from computed
    where computed_working_days <> working_days
    union all
    select
        known.*,
        null as computed_working_days
    from known
    cross join computed_count
    where computed_count.computed_rows <> 9
)

select * from final
