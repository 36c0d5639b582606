-- csc family_hub of the current delivery with is_excluded (macro agency_records).
{{ agency_records('csc', 'family_hub', ['birth_month', 'locality_code', 'household_token']) }}
