-- health child_records with the child key (macro keyed_records).
{{ keyed_records() }}
