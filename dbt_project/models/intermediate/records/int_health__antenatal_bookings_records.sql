-- health antenatal_bookings of the current delivery with is_excluded (macro agency_records).
{{ agency_records('health', 'antenatal_bookings', ['birth_month']) }}
