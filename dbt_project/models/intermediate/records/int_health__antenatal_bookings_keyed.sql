-- health antenatal_bookings with the child key (macro keyed_records).
{{ keyed_records() }}
