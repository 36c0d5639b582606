-- S04 Contacts where neglect is a factor (contacts, flow by contact date).
with

contacts as (
    {{ in_both_modes(ref('int_csc__contacts_keyed')) }}
),

final as (
    select
        contacts.mode,
        'S04' as indicator_id,
        {{ month_end("cast(contacts.contact_datetime as date)") }} as month_end,
        contacts.contact_id as unit_id,
        contacts.locality_code,
        contacts.neglect_factor as is_numerator
    from contacts
    where cast(contacts.contact_datetime as date) is not null
)

select * from final
