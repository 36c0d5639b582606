"""The synthetic partnership: a simulation of households and of every agency's records about
them, written as raw extracts for the pseudonymisation tool (docs/synthetic-data.md)."""
