-- csc neglect_tools with the child key (macro keyed_records).
{{ keyed_records() }}
