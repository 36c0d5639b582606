-- csc referrals with the child key (macro keyed_records).
{{ keyed_records() }}
