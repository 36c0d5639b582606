{#
    The reporting periods of indicators.md §1: every month end from the first with 12 months
    of data to the last on or before the newest extract date. A delivery holds the six years
    before its extract date E, so the first period is the first month end whose year-ago month
    end is on or after E − 6 years. Whether an indicator has a row for a period also depends on
    the extract dates of the agencies it draws on (fct_indicator_values).
#}
with

current_deliveries as (
    select * from {{ ref('stg_ingest__current_deliveries') }}
),

contract_agencies as (
    select * from {{ ref('contract_agencies') }}
),

-- the agencies' newest extract date (the partnership's reference files are not an agency)
newest as (
    select max(current_deliveries.extract_date) as newest_extract_date
    from current_deliveries
    inner join contract_agencies
        on current_deliveries.agency = contract_agencies.agency
),

months as (
    {{ dbt.date_spine('month', "cast('2010-01-01' as date)", "cast('2036-01-01' as date)") }}
),

month_ends as (
    select
        cast({{ dbt.dateadd('month', 1, 'months.date_month') }} as date) - 1 as period_end,
        cast({{ dbt.dateadd('month', -11, 'months.date_month') }} as date) - 1 as year_ago_end,
        cast({{ dbt.dateadd('month', -23, 'months.date_month') }} as date) - 1 as two_years_ago_end
    from months
),

final as (
    select
        month_ends.period_end,
        month_ends.year_ago_end,
        month_ends.two_years_ago_end
    from month_ends
    cross join newest
    where month_ends.period_end <= newest.newest_extract_date
        and month_ends.year_ago_end
        >= cast({{ dbt.dateadd('year', -6, 'newest.newest_extract_date') }} as date)
)

select * from final
