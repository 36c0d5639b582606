-- csc cla_episodes with the child key (macro keyed_records).
{{ keyed_records('csc', 'cla_episodes') }}
