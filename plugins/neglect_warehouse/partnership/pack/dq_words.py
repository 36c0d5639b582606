"""The words of the agency data quality report (docs/dq-report.md): what each measure is called
and means, what a rejected row's rule and each consistency rule are in plain words, and the
sentences a data manager reads (the headline, "what to fix at source", a column's details).

States, agency names and what a value of each column type should be come from the contract
(``neglect_warehouse.shared.contract``); the messages ingest recorded are never reused here,
because they quote the agency's values."""

from __future__ import annotations

from dataclasses import dataclass

from neglect_warehouse.partnership.pack.formats import count, date, percent
from neglect_warehouse.shared import contract

# What a rejected row's rule means and what to do ({type}: what the column's value should be).
REJECTION_WORDS = {
    "missing_required_value": (
        "a required value is empty",
        "fill in the value at source and send it in the next delivery",
    ),
    "no_token": (
        "the person has neither a person_token nor a person_alt_token",
        "run the pseudonymisation tool so that every person has at least one token",
    ),
    "bad": (
        "the value is not {type}",
        "correct the value's format at source",
    ),
    "repeated_id": (
        "the record's id repeats an earlier row of the file (the first is kept)",
        "send each record once",
    ),
    "malformed_row": (
        "the row could not be read (quoting or number of fields)",
        "fix the row's quoting or number of fields in the export",
    ),
}
UNKNOWN_REJECTION_ACTION = "see the delivery report ingest sent with this delivery"
RULE_NAMES = {
    "reference_resolves": "References resolve",
    "no_future_date": "No future dates",
    "decision_after_contact": "Decision not before contact",
    "response_after_request": "Response not before request",
}
# what "valid" means for a column, by fct_dq_columns.validity_check
VALIDITY_CHECKS = {
    "code_list": "in code list {code_list}",
    "date_range": "real date, not after the extract date",
    "format": "well-formed",
}
NOT_RECEIVED = ("listed in the manifest but not received", "send the file")
# what each state a delivery ends in amounts to, for "how to read this report"
STATE_NOTES = {
    contract.DeliveryState.LOADED: "",
    contract.DeliveryState.LOADED_WITH_WARNINGS: "some rows rejected or values outside their "
    "code lists",
    contract.DeliveryState.QUARANTINED: "nothing loaded, for the reasons given",
    contract.DeliveryState.INCOMPLETE: "a file the manifest lists has not arrived",
}


@dataclass(frozen=True)
class Measure:
    """A figure of a delivery shown in the trend."""

    key: str
    label: str
    better: str  # "lower" or "higher"
    kind: str  # "pct", "count", "days", "months", "share"
    help: str
    group: str = "quality"  # the trend table it is shown in: "arrival" or "quality"
    since: str = "loaded"  # the headline compares with the previous "loaded" delivery, or "any"


TREND_MEASURES = (
    Measure(
        "days_extract_to_arrival",
        "Days from extract to arrival",
        "lower",
        "days",
        "Timeliness: calendar days from the extract date to the day the delivery arrived.",
        "arrival",
        "any",
    ),
    Measure(
        "months_since_previous_delivery",
        "Months since previous",
        "lower",
        "months",
        "Timeliness: months from the previous delivery's extract date (1 = monthly).",
        "arrival",
        "any",
    ),
    Measure(
        "rows_rejected_pct",
        "Rows rejected",
        "lower",
        "pct",
        "Rows that could not be loaded, as a share of the rows received.",
        "arrival",
    ),
    Measure(
        "files_complete_share",
        "Files complete",
        "higher",
        "share",
        "Files in which every required value is present.",
    ),
    Measure(
        "completeness_pct",
        "Completeness",
        "higher",
        "pct",
        "Share of required and indicator-critical values that are present (all files).",
    ),
    Measure(
        "validity_pct",
        "Validity",
        "higher",
        "pct",
        "Share of the values present that are valid: in their code list, a real date not "
        "after the extract date, or well-formed.",
    ),
    Measure(
        "duplicate_ids",
        "Repeated ids",
        "lower",
        "count",
        "Uniqueness: rows rejected because their id repeats an earlier row.",
    ),
    Measure(
        "codes_outside_list",
        "Codes outside lists",
        "lower",
        "count",
        "Validity: values loaded that are not in their code list.",
    ),
    Measure(
        "consistency_breaches",
        "Consistency breaches",
        "lower",
        "count",
        "Breaches of the consistency rules (extracts.md §6).",
    ),
    Measure(
        "persons_with_person_token_pct",
        "Persons with person_token",
        "higher",
        "pct",
        "Linkage: person records with a person_token (an NHS number was held) rather than "
        "only the alternative token.",
    ),
    Measure(
        "persons_linked_to_csc_child_pct",
        "Persons linked to a CSC child",
        "higher",
        "pct",
        "Linkage: person records whose child is also known to children's social care. "
        "Measured for the delivery in use only.",
    ),
)
MEASURES = {m.key: m for m in TREND_MEASURES}


def _s(n) -> str:
    return "" if n == 1 else "s"


def measure_text(measure: Measure, values: dict) -> str:
    """A delivery's figure as the report shows it ("–" when not measured)."""
    value = values.get(measure.key)
    if value is None:
        return "–"
    if measure.kind == "pct":
        return percent(value)
    if measure.kind == "share":
        return f"{values['files_complete']} of {values['files']}"
    if measure.kind == "days":
        return f"{count(value)} day{_s(value)}"
    if measure.kind == "months":
        return f"{count(value)} month{_s(value)}"
    return count(value)


def delivery_label(d: dict) -> str:
    """``delivery 2 (31 October 2026)``."""
    return f"delivery {d['delivery_number']} ({date(d['extract_date'])})"


def state_label(state: str) -> str:
    return contract.DeliveryState(state).label


def state_meaning(state: str) -> str:
    return contract.DeliveryState(state).meaning


def state_glossary() -> list[str]:
    """The states a report can show, each with what it amounts to: "Loaded", "loaded with
    warnings (…)", …"""
    out: list[str] = []
    for state, note in STATE_NOTES.items():
        label = state.label if not out else state.label.lower()
        out.append(f"{label} ({note})" if note else label)
    return out


def expected_words(column_type: str) -> str:
    """What a value of the column type should be, in the contract's words ("a date
    YYYY-MM-DD"); "a valid code" for a type the contract gives no words for."""
    known = contract.column_types().get(column_type)
    return known.expected if known and known.expected else f"a valid {column_type}"


def rejection_words(rule: str, column_type: str) -> tuple[str, str]:
    """(the problem, what to do) of rows rejected by ingest's ``rule``."""
    key = "bad" if rule.startswith("bad_") else rule
    problem, action = REJECTION_WORDS.get(key, (f"rule {rule}", UNKNOWN_REJECTION_ACTION))
    return problem.format(type=expected_words(column_type)), action


def quarantine_action(action: str) -> str:
    """What to do about a quarantine reason, as ingest wrote it for its own report."""
    return action.replace("listed in this report", "listed in the quarantine report sent to you")


def rule_label(rule: str, cin_rule: str | None) -> str:
    if cin_rule:
        return f"CIN rule {cin_rule}"
    return RULE_NAMES.get(rule, rule.replace("_", " ").capitalize())


def validity_words(validity_check: str | None, code_list: str | None) -> str:
    words = VALIDITY_CHECKS.get(validity_check or "")
    return words.format(code_list=code_list) if words else (validity_check or "")


def needed_words(required: bool, critical: bool, needed_for: str | None) -> str:
    """Why a column matters: "required", "needed for F01", "needed" or "optional"."""
    if required:
        return "required"
    if needed_for:
        return f"needed for {needed_for}"
    return "needed" if critical else "optional"


def lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def column_notes(c: dict) -> list[str]:
    """The counts behind a column's completeness and validity, in words."""
    notes = []
    if c["rows_rejected_missing"]:
        n = c["rows_rejected_missing"]
        what = (
            "no token at all"
            if c["column_name"] in ("person_token", "person_alt_token")
            else "value missing"
        )
        notes.append(f"{count(n)} row{_s(n)} rejected: {what}")
    if c["rows_rejected_invalid"]:
        n = c["rows_rejected_invalid"]
        expected = expected_words(c["column_type"])
        notes.append(f"{count(n)} value{_s(n)} not {expected} (row rejected)")
    if c["values_out_of_range"]:
        n = c["values_out_of_range"]
        if c["validity_check"] == "code_list":
            notes.append(f"{count(n)} code{_s(n)} outside the list {c['code_list']}")
        else:
            notes.append(f"{count(n)} date{_s(n)} after the extract date")
    if c["null_values"] and not c["is_required"]:
        notes.append(f"{count(c['null_values'])} empty")
    return notes


def headline(d: dict, current: dict | None) -> list[tuple[str, str | None]]:
    """The few facts a data manager needs first, as (sentence, the key of the trend measure
    it is about, or None). ``current``: the delivery in use as at ``d``."""
    items: list[tuple[str, str | None]] = []
    loaded = d["state"] in contract.LOADED_STATES
    if loaded:
        items.append(
            (
                f"{d['files_complete']} of {d['files']} files fully complete "
                "(every required value present).",
                "files_complete_share",
            )
        )
        rejected = d["rows_rejected"] or 0
        repeated = d["duplicate_ids"] or 0
        text = (
            f"{count(rejected)} of {count(d['rows_in'])} rows rejected "
            f"({percent(d['rows_rejected_pct'])})"
        )
        if rejected:
            text += (
                f": {count(repeated)} repeated id{_s(repeated)}, {count(rejected - repeated)} "
                "with a missing or unreadable value or a malformed row"
            )
        items.append((text + ".", "rows_rejected_pct"))
        items.append(
            (
                f"{percent(d['completeness_pct'])} of required and indicator-critical values "
                f"present; {percent(d['validity_pct'])} of values present are valid.",
                "completeness_pct",
            )
        )
        breaches = d["consistency_breaches"] or 0
        records = d.get("records_breaching") or 0
        rules = d["rules_breached"] or 0
        items.append(
            (
                f"{count(breaches)} breach{'es' if breaches != 1 else ''} of consistency rules"
                + (f", in {count(records)} record{_s(records)}" if breaches else "")
                + f" ({rules} rule{_s(rules)} broken).",
                "consistency_breaches",
            )
        )
        codes = d["codes_outside_list"] or 0
        items.append(
            (
                f"{count(codes)} code{_s(codes)} outside {'their' if codes != 1 else 'its'} "
                "code list.",
                "codes_outside_list",
            )
        )
    days = d["days_extract_to_arrival"]
    text = f"Arrived {count(days)} day{_s(days)} after the extract date"
    months = d["months_since_previous_delivery"]
    if months is None:
        text += "; your first delivery."
    else:
        text += f"; {months} month{_s(months)} after the previous delivery's extract date."
    items.append((text, "days_extract_to_arrival"))
    if loaded:
        text = (
            f"{percent(d['persons_with_person_token_pct'])} of {count(d['persons_loaded'])} "
            "person records carry a person_token"
        )
        if d["persons_linked_to_csc_child_pct"] is not None:
            text += (
                f"; {percent(d['persons_linked_to_csc_child_pct'])} are linked to a child known "
                "to children's social care"
            )
        items.append((text + ".", "persons_with_person_token_pct"))
    elif current is not None:
        items.append(
            (
                f"The delivery in use is still {delivery_label(current)}, "
                f"{state_label(current['state']).lower()}.",
                None,
            )
        )
    else:
        items.append(("No delivery of yours has been loaded yet.", None))
    if d["duplicate_arrivals"]:
        n = d["duplicate_arrivals"]
        again = "once" if n == 1 else f"{n} times"
        items.append((f"The same delivery arrived again {again}; the repeat was ignored.", None))
    return items


def to_do(rejections: list[dict], consistency: list[dict], sections: list[dict]) -> list[dict]:
    """What the agency should fix at source ({count, text, action}), largest first."""
    todo = []
    for r in rejections:
        todo.append(
            {
                "count": r["rows"],
                "text": f"{r['file']}, column {r['column'] or '(row)'}: {count(r['rows'])} "
                f"row{_s(r['rows'])} rejected because {r['problem']}",
                "action": r["action"],
            }
        )
    # (dates after the extract date are breaches of the rule no_future_date, listed below)
    for s in sections:
        for c in s["columns"]:
            if c["codes_outside"]:
                n = c["codes_outside"]
                todo.append(
                    {
                        "count": n,
                        "text": f"{s['file']}, column {c['name']}: {count(n)} "
                        f"code{_s(n)} outside the list {c['code_list']}",
                        "action": "use only the codes of the list (extracts.md §5)",
                    }
                )
    for r in consistency:
        if r["breach_count"]:
            todo.append(
                {
                    "count": r["breach_count"],
                    "text": f"{r['file']}: {r['breaches']} breach"
                    f"{'es' if r['breach_count'] != 1 else ''} of the rule “{r['label']}”",
                    "action": f"correct the records so that {lower_first(r['description'])}",
                }
            )
    todo.sort(key=lambda t: -t["count"])
    return todo
