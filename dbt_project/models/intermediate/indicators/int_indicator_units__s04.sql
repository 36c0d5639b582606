-- S04 Contacts where neglect is a factor (contacts, flow by contact date).
with

periods as (
    select * from {{ ref('int_periods') }}
),

contacts as (
    {{ in_both_modes(ref('int_csc__contacts_keyed')) }}
),

final as (
    select
        contacts.mode,
        'S04' as indicator_id,
        periods.period_end,
        contacts.contact_id as unit_id,
        contacts.locality_code,
        contacts.neglect_factor as is_numerator
    from contacts
    inner join periods
        on {{ in_flow_window('cast(contacts.contact_datetime as date)') }}
)

select * from final
