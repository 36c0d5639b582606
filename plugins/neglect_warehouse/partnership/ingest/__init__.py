"""Ingest: every agency delivery checked, validated and loaded whole, or quarantined with
reasons (spec/extracts.md §1–§3, §6; spec/outputs.md §1, §4). The Airflow DAGs and the
``neglect-warehouse ingest`` command share this implementation."""
