-- The consistency rules of extracts.md §6, one row per agency entity a rule is checked on, with
-- what each rule means: the rules as ingest checks them (plugins/neglect_warehouse/partnership/
-- ingest/rules.py), written as the seed contract_rules by `neglect-warehouse contract sync`.
with

contract_rules as (
    select * from {{ ref('contract_rules') }}
),

final as (
    select
        cast(contract_rules.agency as varchar) as agency,
        cast(contract_rules.entity as varchar) as entity,
        cast(contract_rules.rule as varchar) as rule,
        cast(contract_rules.cin_rule as varchar) as cin_rule,
        cast(contract_rules.rule_description as varchar) as rule_description
    from contract_rules
)

select * from final
