-- police strategy_discussions of the current delivery, keyed to children, with is_excluded (macro agency_records).
{{ agency_records('police', 'strategy_discussions', ['birth_month']) }}
