"""The synthetic partnership written into each agency's own source system, in that system's
shape (``neglect-warehouse generate --sources``), so the whole path can run from the
agencies' systems: source system → ``neglect-warehouse extract`` → landing → warehouse.

One module per source system builds its tables from the agency's raw extract
(``build(con, raw_dir, stamp)`` into a DuckDB connection); :mod:`.write` puts them in a DuckDB
file per agency or a PostgreSQL schema per agency."""


def case_sql(mapping: dict[str, str], column: str) -> str:
    """SQL turning ``column``'s contract codes into a system's own (``mapping``: contract code
    -> system code), keeping any other value as it is: the inverse of a mapping's
    translation, as each builder writes its system."""
    whens = " ".join(f"when '{k}' then '{v}'" for k, v in mapping.items())
    return f"case {column} {whens} else {column} end"
