{#
    Every column of every agency entity in the data contract, with what the data quality report
    measures on it (outputs.md §4). The columns, their types and required flags are read from
    the dbt sources, which `neglect-warehouse contract sync` generates from the contract: a
    source column's description is "[required; ]<type words>[ (<code list>)], as delivered
    (text)" (plugins/neglect_warehouse/dbt_sources.py, TYPE_TEXT). A description that does not
    parse stops the build, so the report cannot silently lose a column.

    Indicator-critical columns are the optional columns an indicator (indicators.md §4) or the
    child key (§1) cannot do without; required columns are critical by definition.
#}
{%- set agencies = ['csc', 'police', 'health', 'probation'] -%}

{#- optional columns the indicators need, with what needs them -#}
{%- set indicator_critical = {
    'csc.persons.person_token': 'child key',
    'csc.persons.person_alt_token': 'child key',
    'csc.persons.household_token': 'R03',
    'csc.contacts.decision_datetime': 'F01',
    'csc.assessments.authorised_date': 'F03',
    'csc.assessments.factors': 'neglect CIN plan (S03, H03, H05, R03)',
    'csc.s47_enquiries.icpc_date': 'F04, rule 2885',
    'csc.cin_plans.end_date': 'open plans (S03, H03, H05, R03)',
    'csc.cp_plans.end_date': 'open plans (S01, S05, S06, F06-F08, F10, H04-H06, P02, M01)',
    'csc.missing_episodes.end_datetime': 'F09',
    'csc.missing_episodes.rhi_completed_date': 'F09',
    'csc.family_hub.last_attended_date': 'S06',
    'police.persons.person_token': 'child key',
    'police.persons.person_alt_token': 'child key',
    'police.child_notifications.incident_id': 'P04',
    'police.child_notifications.shared_with_csc_datetime': 'P04',
    'police.flags.end_date': 'P02',
    'health.persons.person_token': 'child key',
    'health.persons.person_alt_token': 'child key',
    'health.appointments.requested_date': 'H01',
    'health.appointments.due_date': 'H04',
    'health.antenatal_bookings.health_visitor_notified_date': 'H02',
    'probation.persons.person_token': 'child key',
    'probation.persons.person_alt_token': 'child key',
    'probation.persons.household_token': 'R03',
    'probation.cases.end_date': 'R03',
    'probation.safeguarding_checks.response_date': 'R02',
} -%}

{#- dates that may lie after the extract date (extracts.md §6; contract future_allowed) -#}
{%- set future_dates_allowed = [
    'health.appointments.due_date',
    'health.antenatal_bookings.expected_delivery_date',
    'csc.persons.birth_month',
    'health.persons.birth_month',
] -%}

{#- the words dbt_sources.py writes for each contract type; 'date-time' before 'date' -#}
{%- set type_words = [
    ('date-time', 'datetime'),
    ('date', 'date'),
    ('month', 'month'),
    ("';'-separated codes", 'code_list'),
    ('code', 'code'),
    ('record identifier', 'id'),
    ('pseudonymisation token', 'token'),
    ('true for Y', 'yn'),
    ('locality code', 'locality'),
] -%}

{%- set rows = [] -%}
{%- set seen = [] -%}
{%- if execute -%}
    {%- for node in graph.sources.values() if node.source_name in agencies -%}
        {%- for column in node.columns.values() if not column.name.startswith('_') -%}
            {%- set key = node.source_name ~ '.' ~ node.name ~ '.' ~ column.name -%}
            {%- do seen.append(key) -%}
            {%- set is_required = column.description.startswith('required; ') -%}
            {%- set words = column.description[10:] if is_required else column.description -%}
            {%- set kinds = [] -%}
            {%- for prefix, kind in type_words if words.startswith(prefix) -%}
                {%- do kinds.append(kind) -%}
            {%- endfor -%}
            {%- if not kinds -%}
                {{ exceptions.raise_compiler_error(
                    "dim_dq_columns: cannot tell the contract type of " ~ key
                    ~ " from its source description '" ~ column.description ~ "'") }}
            {%- endif -%}
            {%- set code_list = "'" ~ words.split('(')[1].split(')')[0] ~ "'"
                if kinds[0] in ('code', 'code_list') else 'null' -%}
            {%- set critical_for = "'" ~ indicator_critical[key] ~ "'"
                if key in indicator_critical else 'null' -%}
            {%- do rows.append(
                "('" ~ node.source_name ~ "', '" ~ node.name ~ "', '" ~ column.name ~ "', "
                ~ loop.index ~ ", '" ~ kinds[0] ~ "', " ~ code_list ~ ", "
                ~ (is_required | lower) ~ ", " ~ ((is_required or key in indicator_critical) | lower)
                ~ ", " ~ critical_for ~ ", " ~ ((key in future_dates_allowed) | lower) ~ ")"
            ) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for key in indicator_critical.keys() | list + future_dates_allowed if key not in seen -%}
        {{ exceptions.raise_compiler_error("dim_dq_columns: " ~ key ~ " is not in the contract") }}
    {%- endfor -%}
{%- endif -%}
{%- if not rows -%}
    {#- parsing (no graph yet): a typed row that is filtered out -#}
    {%- do rows.append("('', '', '', 0, '', null, false, false, null, false)") -%}
{%- endif -%}

with

contract_columns (
    agency,
    entity,
    column_name,
    column_position,
    column_type,
    code_list,
    is_required,
    is_indicator_critical,
    critical_for,
    future_dates_allowed
) as (
    values
    {{ rows | join(',\n    ') }}
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
        cast(contract_columns.is_indicator_critical as boolean) as is_indicator_critical,
        cast(contract_columns.critical_for as varchar) as critical_for,
        cast(contract_columns.future_dates_allowed as boolean) as future_dates_allowed,
        cast(
            case
                when contract_columns.column_type in ('code', 'code_list') then 'code_list'
                when contract_columns.column_type in ('date', 'datetime', 'month') then 'date_range'
                else 'format'
            end as varchar
        ) as validity_check
    from contract_columns
    where contract_columns.agency <> ''
)

select * from final
