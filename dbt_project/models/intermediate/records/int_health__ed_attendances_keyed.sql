-- health ed_attendances with the child key (macro keyed_records).
{{ keyed_records() }}
