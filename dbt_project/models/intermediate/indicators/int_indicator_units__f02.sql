-- F02 Re-referrals within 12 months (referrals, flow by referral date). Numerator: referrals
-- whose child had another referral dated in the 365 days before (e − 365 ≤ d < e; a same-day
-- referral is not "before").
with

referrals as (
    {{ in_both_modes(ref('int_csc__referrals_keyed')) }}
),

re_referrals as (
    select distinct
        referrals.mode,
        referrals.referral_id
    from referrals
    inner join referrals as earlier
        on referrals.mode = earlier.mode
        and referrals.child_key = earlier.child_key
        and referrals.referral_id <> earlier.referral_id
        and earlier.referral_date >= referrals.referral_date - 365
        and earlier.referral_date < referrals.referral_date
),

final as (
    select
        referrals.mode,
        'F02' as indicator_id,
        {{ month_end("referrals.referral_date") }} as month_end,
        referrals.referral_id as unit_id,
        referrals.locality_code,
        re_referrals.referral_id is not null as is_numerator
    from referrals
    left join re_referrals
        on referrals.mode = re_referrals.mode
        and referrals.referral_id = re_referrals.referral_id
    where referrals.referral_date is not null
)

select * from final
