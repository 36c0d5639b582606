-- csc family_hub with the child key (macro keyed_records).
{{ keyed_records() }}
