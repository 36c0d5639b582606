-- csc s47_enquiries with the child key (macro keyed_records).
{{ keyed_records() }}
