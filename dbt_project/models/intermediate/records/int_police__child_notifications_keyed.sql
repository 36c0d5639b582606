-- police child_notifications with the child key (macro keyed_records).
{{ keyed_records() }}
