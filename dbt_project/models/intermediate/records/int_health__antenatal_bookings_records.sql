-- health antenatal_bookings of the current delivery with is_excluded (macro agency_records).
{{ agency_records(['birth_month']) }}
