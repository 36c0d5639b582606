"""The states a delivery ends in (spec/outputs.md §1), with their wording: the one place a
state is named. dbt reads them as a seed generated from here (``contract_delivery_states``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DeliveryState(StrEnum):
    LOADED = "LOADED"
    LOADED_WITH_WARNINGS = "LOADED_WITH_WARNINGS"
    QUARANTINED = "QUARANTINED"
    DUPLICATE = "DUPLICATE"
    INCOMPLETE = "INCOMPLETE"

    @property
    def loaded(self) -> bool:
        """The delivery's rows are in the warehouse."""
        return _WORDING[self].loaded

    @property
    def label(self) -> str:
        """As a reader sees it."""
        return _WORDING[self].label

    @property
    def meaning(self) -> str:
        """What the state means to the agency (its data quality report)."""
        return _WORDING[self].meaning

    @property
    def action(self) -> str:
        """What the agency should do (the report a delivery leaves in the quarantine)."""
        return _WORDING[self].action


@dataclass(frozen=True)
class _Wording:
    loaded: bool
    label: str
    meaning: str
    action: str = ""


_WORDING = {
    DeliveryState.LOADED: _Wording(
        True,
        "Loaded",
        "The delivery passed every check and is loaded. Nothing to do.",
        "Nothing to do.",
    ),
    DeliveryState.LOADED_WITH_WARNINGS: _Wording(
        True,
        "Loaded with warnings",
        "The delivery is loaded, but some rows were rejected or some values break the rules. "
        "The rows and values below are missing from the warehouse or reported as problems: "
        "please correct them at source.",
        "The delivery is loaded. Correct the rows and values below at source; they are missing "
        "from the warehouse or reported as breaches.",
    ),
    DeliveryState.QUARANTINED: _Wording(
        False,
        "Quarantined",
        "Nothing from this delivery was loaded; your previous loaded delivery stays in use. Fix "
        "the problems listed below and send a corrected delivery with a new manifest.",
        "Nothing from this delivery was loaded; your previous delivery stays current. Fix the "
        "problems below and send a corrected delivery with a new manifest.",
    ),
    DeliveryState.DUPLICATE: _Wording(
        False,
        "Duplicate",
        "This delivery had already been received; the copy was ignored.",
    ),
    DeliveryState.INCOMPLETE: _Wording(
        False,
        "Incomplete",
        "Files the manifest lists have not arrived, so the delivery has not been checked or "
        "loaded yet. Send the missing files: the delivery is checked again when they arrive.",
    ),
}

LOADED_STATES = tuple(s for s in DeliveryState if s.loaded)
