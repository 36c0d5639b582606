"""The words a board member reads: status against the target, comparison with England (or,
for H03, with all children), direction of travel, and what changed since last month.

Everything here works on values after disclosure control: a suppressed value (``c``) is never
described, because a description ("meets the target of at most 10%") would narrow it down.
"""

from __future__ import annotations

import math

from neglect_warehouse.partnership.pack import formats

SUPPRESSED = "c"
NOT_AVAILABLE = "x"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def shown(row, column: str) -> str:
    """The display string of ``column`` after disclosure control."""
    return str(row[f"{column}_shown"])


def is_visible(row) -> bool:
    return shown(row, "value") not in (SUPPRESSED, NOT_AVAILABLE, "", "nan")


def fmt(value, measure: str) -> str:
    if _missing(value):
        return ""
    if measure == "percentage":
        return formats.percent(value, round_to_ends=True)
    return formats.decimal(value)


def target_text(row, indicator) -> str:
    target = indicator["target_value"]
    if _missing(target):
        return "No target set"
    bound = f"{'at most' if indicator['polarity'] == 'L' else 'at least'} {target:g}%"
    if not is_visible(row):
        return f"Target {bound}; no value to compare this month"
    if row["target_status"] == "MET":
        return f"Meets the target of {bound}"
    if row["target_status"] == "NOT_MET":
        return f"Misses the target of {bound}"
    return f"Target {bound}"


def comparator_name(indicator) -> str:
    return "all children" if indicator["comparator_indicator_id"] == "H03A" else "England"


def comparison_text(row, indicator) -> str:
    if _missing(indicator["comparator_value"]) and _missing(indicator["comparator_indicator_id"]):
        return "No national comparator"
    if not is_visible(row) or _missing(row["comparator_value"]):
        return "Not compared this month"
    if str(row.get("comparator_value_shown", "")) in (SUPPRESSED, NOT_AVAILABLE, "z"):
        return "Not compared this month"  # H03 against a suppressed H03A
    name = comparator_name(indicator)
    comparator = fmt(row["comparator_value"], indicator["measure"])
    words = {
        "SIMILAR": f"Similar to {name} ({comparator})",
        "BETTER": f"Better than {name} ({comparator})",
        "WORSE": f"Worse than {name} ({comparator})",
        "HIGHER": f"Higher than {name} ({comparator})",
        "LOWER": f"Lower than {name} ({comparator})",
    }
    return words.get(row["significance"], "Not compared this month")


def direction_text(now, year_ago, indicator) -> str:
    """This month against the same month a year ago: a change only when the two 95% intervals
    do not overlap (otherwise the difference may be chance)."""
    if now is None or year_ago is None or not is_visible(now) or not is_visible(year_ago):
        return "Not enough data to say"
    if now["lower_95"] > year_ago["upper_95"]:
        moved = "higher"
    elif now["upper_95"] < year_ago["lower_95"]:
        moved = "lower"
    else:
        return "No clear change from a year ago"
    polarity = indicator["polarity"]
    if polarity == "N":
        return f"{moved.capitalize()} than a year ago"
    good = (moved == "lower") == (polarity == "L")
    return "Improving on a year ago" if good else "Worse than a year ago"


def what_changed(pack) -> list[str]:
    """Since last month, area ALL: target met or missed, comparison with England changed, new
    data. Suppressed values are not described."""
    from neglect_warehouse.partnership.pack.content import months_before

    previous_end = months_before(pack.period_end, 1)
    items = []
    for _, indicator in pack.indicators.iterrows():
        series = pack.series(indicator["indicator_id"])
        now = series[series.period_end == pack.period_end]
        before = series[series.period_end == previous_end]
        label = f"{indicator['indicator_id']} {indicator['title']}"
        if now.empty:
            continue
        now = now.iloc[0]
        if before.empty:
            items.append(f"{label}: first month with data")
            continue
        before = before.iloc[0]
        if not (is_visible(now) and is_visible(before)):
            continue
        if now["target_status"] != before["target_status"] and now["target_status"] in (
            "MET",
            "NOT_MET",
        ):
            if now["target_status"] == "MET":
                items.append(f"{label}: now meets its target (missed it last month)")
            else:
                items.append(f"{label}: now misses its target (met it last month)")
        if now["significance"] != before["significance"] and now["significance"] != (
            "NOT_COMPARED"
        ):
            now_words = comparison_text(now, indicator).split(" (")[0]
            was_words = comparison_text(before, indicator).split(" (")[0].lower()
            items.append(f"{label}: now {now_words[0].lower()}{now_words[1:]} (was {was_words})")
    return items or ["No indicator changed its status against target or England this month."]
