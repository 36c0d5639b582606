-- probation safeguarding_checks with the child key (macro keyed_records).
{{ keyed_records('probation', 'safeguarding_checks') }}
