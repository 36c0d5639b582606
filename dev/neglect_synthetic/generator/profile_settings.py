"""Settings of a synthetic partnership: a profile's size plus the model, practice and defect
rates of ``profiles/default.yml``, optionally overridden by a user's YAML file."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


def _deep_merge(base: dict[str, Any], override: dict[str, Any], where: str = "") -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if key not in merged:
            raise ValueError(f"unknown setting {where}{key!r}: see generator/profiles/default.yml")
        if isinstance(merged[key], dict) and isinstance(value, dict):
            merged[key] = _deep_merge(merged[key], value, f"{where}{key}.")
        else:
            merged[key] = value
    return merged


@dataclass(frozen=True)
class Settings:
    profile: str
    children: int
    localities: int
    history_years: int
    warmup_years: int
    chunk_children: int
    model: dict[str, Any]
    practice: dict[str, float]
    defects: dict[str, float]


EXPORT_DEFECTS = ("malformed_value", "invalid_code", "schema_drift_delivery")
"""Defects only a hand-written export makes (a date written 31/03/2026, a required value or
a code mangled on the way out, a renamed column). An agency's own system cannot hold them in
a form ``neglect-warehouse extract`` would deliver (it refuses such values: docs/extract.md),
so they are off whenever the synthetic partnership is written into source systems."""


def load_settings(
    profile: str, config: Path | None = None, clean: bool = False, sources: bool = False
) -> Settings:
    text = resources.files(__package__).joinpath("profiles/default.yml").read_text()
    data = yaml.safe_load(text)
    if config is not None:
        data = _deep_merge(data, yaml.safe_load(Path(config).read_text()) or {})
    profiles = data["profiles"]
    if profile not in profiles:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(profiles)}")
    defects = dict(data["defects"])
    if clean:
        defects = dict.fromkeys(defects, 0.0)
    if sources:
        defects.update(dict.fromkeys(EXPORT_DEFECTS, 0.0))
    return Settings(
        profile=profile,
        children=int(profiles[profile]["children"]),
        localities=int(profiles[profile]["localities"]),
        history_years=int(data["history_years"]),
        warmup_years=int(data["warmup_years"]),
        chunk_children=int(data["chunk_children"]),
        model=data["model"],
        practice=data["practice"],
        defects=defects,
    )


def profile_names() -> list[str]:
    text = resources.files(__package__).joinpath("profiles/default.yml").read_text()
    return list(yaml.safe_load(text)["profiles"])
