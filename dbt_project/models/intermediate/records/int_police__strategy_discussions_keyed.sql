-- police strategy_discussions with the child key (macro keyed_records).
{{ keyed_records() }}
