-- Every column of every agency entity in the data contract, with what the data quality report
-- measures on it (outputs.md §4). The columns, their types, flags and what needs an optional
-- column come from the contract, as the seeds `neglect-warehouse contract sync` generates
-- (contract_columns, contract_agencies). Indicator-critical columns are the optional columns
-- an indicator (indicators.md §4) or the child key (§1) cannot do without (the contract's
-- indicator_critical); required columns are critical by definition.
with

contract_columns as (
    select * from {{ ref('contract_columns') }}
),

contract_agencies as (
    select * from {{ ref('contract_agencies') }}
),

final as (
    select
        cast(contract_columns.agency as varchar) as agency,
        cast(contract_columns.entity as varchar) as entity,
        cast(contract_columns.column_name as varchar) as column_name,
        cast(contract_columns.column_position as bigint) as column_position,
        cast(contract_columns.column_type as varchar) as column_type,
        cast(contract_columns.code_list as varchar) as code_list,
        cast(contract_columns.is_required as boolean) as is_required,
        cast(
            contract_columns.is_required or contract_columns.indicator_critical is not null
            as boolean
        ) as is_indicator_critical,
        cast(contract_columns.indicator_critical as varchar) as critical_for,
        cast(contract_columns.future_allowed as boolean) as future_dates_allowed,
        cast(contract_columns.validity_check as varchar) as validity_check
    from contract_columns
    inner join contract_agencies
        on contract_columns.agency = contract_agencies.agency
)

select * from final
