"""The synthetic partnership written into each agency's own source system, in that system's
shape (``neglect-warehouse generate --sources``), so the whole path can run from the
agencies' systems: source system → ``neglect-warehouse extract`` → landing → warehouse.

One module per source system builds its tables from the agency's raw extract
(``build(con, raw_dir, stamp)`` into a DuckDB connection); :mod:`.write` puts them in a DuckDB
file per agency or a PostgreSQL schema per agency."""
