{#
    Every day from 2010 to 2035 with whether it is a working day (a weekday that is not an
    England and Wales bank holiday) and a running count of working days. This is the
    working-days function of indicators.md §1: wd(a, b), the working days in (a, b], is
    working_day_number(b) − working_day_number(a) (macro working_days).
#}
with

days as (
    {{ dbt.date_spine('day', "cast('2010-01-01' as date)", "cast('2036-01-01' as date)") }}
),

bank_holidays as (
    select cast(holiday_date as date) as holiday_date
    from {{ ref('bank_holidays') }}
),

flagged as (
    select
        cast(days.date_day as date) as calendar_date,
        extract(isodow from cast(days.date_day as date)) >= 6 as is_weekend,
        bank_holidays.holiday_date is not null as is_bank_holiday
    from days
    left join bank_holidays
        on cast(days.date_day as date) = bank_holidays.holiday_date
),

final as (
    select
        flagged.calendar_date,
        flagged.is_weekend,
        flagged.is_bank_holiday,
        not flagged.is_weekend and not flagged.is_bank_holiday as is_working_day,
        sum(case when not flagged.is_weekend and not flagged.is_bank_holiday then 1 else 0 end)
            over (order by flagged.calendar_date rows between unbounded preceding and current row)
            as working_day_number
    from flagged
)

select * from final
