"""Partnership neglect indicator warehouse.

Agency extracts in (pseudonymised at source), linked children and neglect indicators out.
Heavy libraries (pandas, duckdb, Airflow, Great Expectations, dbt) are imported inside the
functions that need them, so that importing this package and parsing DAGs stays fast.
"""

__version__ = "0.1.0"
