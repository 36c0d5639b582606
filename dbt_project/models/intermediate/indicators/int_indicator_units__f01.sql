-- F01 Contact decisions within 24 hours (contacts, flow by contact date). Numerator: contacts
-- with decision_datetime − contact_datetime ≤ 24 h (as written, no clock-change adjustment);
-- a contact without a decision stays in the denominator.
with

contacts as (
    {{ in_both_modes(ref('int_csc__contacts_keyed')) }}
),

final as (
    select
        contacts.mode,
        'F01' as indicator_id,
        {{ month_end("cast(contacts.contact_datetime as date)") }} as month_end,
        contacts.contact_id as unit_id,
        contacts.locality_code,
        coalesce(
            contacts.decision_datetime <= contacts.contact_datetime + interval '24 hours', false
        ) as is_numerator
    from contacts
    where cast(contacts.contact_datetime as date) is not null
)

select * from final
