"""Benchmarks anyone can rerun; their results are recorded in docs/benchmarks.md."""
