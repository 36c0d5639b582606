-- csc s47_enquiries of the current delivery with is_excluded (macro agency_records).
{{ agency_records(['birth_month', 'locality_code', 'household_token']) }}
