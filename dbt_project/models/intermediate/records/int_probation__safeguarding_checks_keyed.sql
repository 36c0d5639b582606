-- probation safeguarding_checks as the indicators read them: no person, so no child key (macro
-- keyed_records).
{{ keyed_records(has_person=false) }}
