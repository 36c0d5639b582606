"""Disclosure control (outputs.md §3; docs/disclosure.md): hand-worked examples, then
properties of random small tables checked by code written independently of the module."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from neglect_warehouse.partnership.pack import disclosure
from neglect_warehouse.partnership.pack.disclosure import apply, check, protect_table, published
from tests.pack.tables import row, tables

COUNTS = ("numerator", "denominator", "excluded_records")


def applied(*rows) -> pd.DataFrame:
    return apply(pd.DataFrame(list(rows)))


def shown(frame: pd.DataFrame, area: str, column: str, indicator: str = "S01") -> str:
    hit = frame[(frame.area_code == area) & (frame.indicator_id == indicator)]
    assert len(hit) == 1
    return hit.iloc[0][f"{column}_shown"]


# --- hand-worked examples ----------------------------------------------------------------------


def test_three_in_a_locality_is_c_and_zero_stays_zero():
    # two small localities hide each other; the total and the zero stay visible
    f = applied(
        row("ALL", 27, 60),
        row("L1", 3, 20),
        row("L2", 4, 10),
        row("L3", 0, 10),
        row("L4", 20, 20),
    )
    assert [shown(f, a, "numerator") for a in ("ALL", "L1", "L2", "L3", "L4")] == [
        "27",
        "c",
        "c",
        "0",
        "20",
    ]
    assert shown(f, "L1", "value") == shown(f, "L2", "value") == "c"
    assert shown(f, "L3", "value") == "0.0"
    assert check(f) == []


def test_percentage_on_a_denominator_of_nine_is_c_but_its_counts_are_shown():
    f = applied(row("ALL", 7, 9))
    assert shown(f, "ALL", "numerator") == "7"
    assert shown(f, "ALL", "denominator") == "9"
    for column in ("value", "lower_95", "upper_95", "significance", "target_status"):
        assert shown(f, "ALL", column) == "c"
    assert bool(f.iloc[0]["value_suppressed"]) and not bool(f.iloc[0]["numerator_suppressed"])
    f = applied(row("ALL", 7, 10))
    assert shown(f, "ALL", "value") == "70.0"
    assert shown(f, "ALL", "significance") == "SIMILAR"


def test_one_small_locality_under_a_visible_total_takes_the_smallest_visible_locality():
    f = applied(
        row("ALL", 60, 200),
        row("L1", 4, 50),
        row("L2", 30, 50),
        row("L3", 12, 50),
        row("L4", 14, 50),
    )
    assert [shown(f, a, "numerator") for a in ("ALL", "L1", "L2", "L3", "L4")] == [
        "60",
        "c",
        "30",
        "c",
        "14",
    ]
    assert list(f.numerator_suppressed) == [False, True, False, True, False]
    assert shown(f, "L3", "value") == "c"  # its numerator is c
    assert shown(f, "L3", "denominator") == "50"


def test_ties_for_the_smallest_locality_go_to_the_first_area_code():
    f = applied(row("ALL", 27, 90), row("L3", 12, 30), row("L2", 12, 30), row("L1", 3, 30))
    assert shown(f, "L2", "numerator") == "c"
    assert shown(f, "L3", "numerator") == "12"


def test_a_zero_locality_may_be_the_complement():
    f = applied(row("ALL", 23, 60), row("L1", 3, 20), row("L2", 0, 20), row("L3", 20, 20))
    assert shown(f, "L2", "numerator") == "c"  # hides that it is zero
    assert shown(f, "L2", "value") == "c"


def protect_group(numerators: dict[str, int], hidden: set[str]) -> set[str]:
    """protect_table on the numerators of a rate whose populations are large and visible:
    the hidden areas of the numerator column."""
    cells = {}
    for area, n in numerators.items():
        population = 10000 * (len(numerators) - 1 if area == "ALL" else 1) or 10000
        cells.update({(area, "numerator"): n, (area, "denominator"): population})
        cells[(area, "excluded_records")] = 0
    chosen = protect_table(cells, {(a, "numerator") for a in hidden}, "rate")
    assert all(column == "numerator" for _, column in chosen)
    return {area for area, _ in chosen}


def test_a_small_total_with_every_locality_visible_hides_a_locality_too():
    # protect_table on its own: ALL hidden, both localities visible → the smaller goes
    assert protect_group({"ALL": 40, "L1": 30, "L2": 10}, {"ALL"}) == {"ALL", "L2"}
    # in a table: 4 children in ALL, none of them with a locality, so ALL is c, and the
    # smallest locality (a zero; ties by code) goes with it
    f = applied(row("ALL", 4, 40), row("L1", 0, 20), row("L2", 0, 10), row("L3", 0, 10))
    assert [shown(f, a, "numerator") for a in ("ALL", "L1", "L2", "L3")] == ["c", "c", "0", "0"]
    assert check(f) == []


def test_a_single_locality_and_its_total_hide_each_other():
    assert protect_group({"ALL": 3, "L1": 3}, {"ALL", "L1"}) == {"ALL", "L1"}
    assert protect_group({"ALL": 9, "L1": 3}, {"L1"}) == {"ALL", "L1"}
    assert protect_group({"ALL": 9}, {"ALL"}) == {"ALL"}  # no localities: no equation


def test_excluded_records_total_may_exceed_its_localities():
    # 2 excluded records have no locality: the 2 must not be worked out, so two cells go
    f = applied(row("ALL", 20, 40, 8), row("L1", 10, 20, 0), row("L2", 10, 20, 6))
    assert [shown(f, a, "excluded_records") for a in ("ALL", "L1", "L2")] == ["8", "c", "c"]
    # 13 without a locality is not small: nothing to hide
    f = applied(row("ALL", 20, 40, 20), row("L1", 10, 20, 7), row("L2", 10, 20, 0))
    assert [shown(f, a, "excluded_records") for a in ("ALL", "L1", "L2")] == ["20", "7", "0"]
    # the other columns are protected separately: the values stay visible
    assert shown(f, "L1", "value") == "50.0"


def test_a_rate_with_a_numerator_of_three_is_c():
    f = applied(row("ALL", 3, 5000, indicator="F08", measure="rate"))
    assert shown(f, "ALL", "numerator", "F08") == "c"
    assert shown(f, "ALL", "denominator", "F08") == "5000"
    assert shown(f, "ALL", "value", "F08") == "c"
    f = applied(row("ALL", 7, 5000, indicator="F08", measure="rate"))
    assert shown(f, "ALL", "value", "F08") == "14.0"  # no denominator rule for rates


def test_denominator_zero_is_x_unless_the_denominator_is_hidden():
    f = applied(row("ALL", 0, 0))
    assert [shown(f, "ALL", c) for c in ("numerator", "denominator", "value", "upper_95")] == [
        "0",
        "0",
        "x",
        "x",
    ]
    assert shown(f, "ALL", "significance") == "NOT_COMPARED"
    # a zero denominator chosen as a complement: 'x' would say it is 0, so the value is c
    f = applied(row("ALL", 0, 33), row("L1", 0, 3), row("L2", 0, 0), row("L3", 0, 30))
    assert shown(f, "L2", "denominator") == "c"
    assert shown(f, "L2", "value") == "c"
    assert shown(f, "L2", "significance") == "c"


def test_formats_and_pass_through():
    f = applied(
        row("ALL", 1234, 5678, note="kept", target_value=10.0),
        row("L1", 1234, 5678, note="kept", target_value=10.0),
    )
    assert shown(f, "ALL", "numerator") == "1234"
    assert shown(f, "ALL", "value") == "21.7"
    assert list(f.note) == ["kept", "kept"] and list(f.target_value) == [10.0, 10.0]
    assert list(f.numerator) == [1234, 1234]  # the true counts stay for the audit
    out = published(f)
    assert "numerator_suppressed" not in out.columns
    assert list(out.numerator) == ["1234", "1234"] and list(out.note) == ["kept", "kept"]


def test_index_and_row_order_are_kept():
    frame = pd.DataFrame([row("L2", 3, 20), row("ALL", 30, 50), row("L1", 27, 30)], index=[7, 3, 5])
    f = apply(frame)
    assert list(f.index) == [7, 3, 5]
    assert list(f.numerator_shown) == ["c", "30", "c"]
    assert list(frame.columns) == list(row("L1", 0, 0))  # the input is not changed


def test_empty_frames_and_applying_twice():
    empty = apply(pd.DataFrame(columns=list(row("ALL", 0, 0))))
    assert len(empty) == 0 and "value_shown" in empty.columns and check(empty) == []
    once = applied(row("ALL", 27, 90), row("L1", 3, 30), row("L2", 24, 60))
    twice = apply(once)
    pd.testing.assert_frame_equal(once, twice)


def test_comparator_that_is_a_suppressed_value_is_c():
    h03a = row("ALL", 3, 400, indicator="H03A")
    h03 = row("ALL", 10, 100, indicator="H03", comparator_value=h03a["value"])
    other = row("ALL", 10, 100, indicator="F02", comparator_value=22.6)
    none = row("ALL", 10, 100, indicator="P01")
    f = applied(h03a, h03, other, none)
    assert shown(f, "ALL", "comparator_value", "H03") == "c"
    assert shown(f, "ALL", "comparator_value", "F02") == "22.6"
    assert shown(f, "ALL", "comparator_value", "P01") == "z"
    assert check(f) == []
    # linked by comparator_indicator_id (dim_indicator) when the frame has it
    rows = [dict(r, comparator_indicator_id=None) for r in (h03a, h03, other)]
    rows[1]["comparator_indicator_id"] = "H03A"
    f = applied(*rows)
    assert shown(f, "ALL", "comparator_value", "H03") == "c"
    # a shown comparator that is a suppressed value is a problem
    broken = f.copy()
    broken.loc[broken.indicator_id == "H03", "comparator_value_shown"] = "0.8"
    assert any("comparator" in p for p in check(broken))


def test_a_national_comparator_equal_to_a_suppressed_value_stays():
    # F07's national 50.0 is no other indicator's value, even where one is 50.0 and c
    april = dt.date(2025, 4, 30)
    rows = [
        row("ALL", 30, 60, indicator="F07", comparator_value=50.0),
        row("ALL", 3, 6, indicator="S03"),  # 50.0, c
        row("ALL", 30, 60, indicator="F07", comparator_value=50.0, period_end=april),
        row("ALL", 4, 10, indicator="S03", period_end=april),  # 40.0, c
    ]
    f = applied(*rows)
    assert disclosure.comparator_links(f) == {}
    assert list(f[f.indicator_id == "F07"].comparator_value_shown) == ["50.0", "50.0"]
    assert check(f) == []
    # the same with dim_indicator's link column
    f = applied(*[dict(r, comparator_indicator_id=None) for r in rows])
    assert list(f[f.indicator_id == "F07"].comparator_value_shown) == ["50.0", "50.0"]
    assert check(f) == []


def test_apply_rejects_a_broken_contract():
    with pytest.raises(ValueError, match="no ALL row"):
        applied(row("L1", 3, 10), row("L2", 3, 10))
    with pytest.raises(ValueError, match="integer"):
        applied(row("ALL", -1, 10))
    with pytest.raises(ValueError, match="two .ALL. rows"):
        applied(row("ALL", 6, 10), row("ALL", 6, 10))
    with pytest.raises(ValueError, match="measure"):
        applied(row("ALL", 6, 10, measure="ratio"))
    with pytest.raises(ValueError, match="numerator exceeds"):
        applied(row("ALL", 11, 10))
    with pytest.raises(ValueError, match="missing columns"):
        apply(pd.DataFrame([row("ALL", 6, 10)]).drop(columns="excluded_records"))


def test_check_reports_each_kind_of_problem():
    good = applied(row("ALL", 60, 200), row("L1", 4, 50), row("L2", 30, 50), row("L3", 26, 100))
    assert check(good) == []

    def broken(area, column, text):
        f = good.copy()
        f.loc[f.area_code == area, f"{column}_shown"] = text
        return check(f)

    assert any("a count from 1 to 5" in p for p in broken("L1", "numerator", "4"))
    assert any("only c cell" in p for p in broken("L3", "numerator", "26"))
    assert any("the count is" in p for p in broken("L2", "numerator", "31"))
    assert any("not a count" in p for p in broken("L2", "numerator", "x"))
    assert any("value shown" in p for p in broken("L1", "value", "8.0"))
    assert any("significance" in p for p in broken("L1", "significance", "SIMILAR"))
    assert any("identifier" in p for p in check(good.assign(child_key="abc")))
    assert any("identifier" in p for p in check(good.assign(person_token="abc")))
    assert any("not a number" in p for p in broken("L2", "value", "nan"))
    assert any("missing" in p for p in check(good.assign(denominator=None)))
    assert check(good.drop(columns="value_shown")) != []
    assert disclosure.identifier_columns(good) == []


def test_visible_counts():
    f = applied(row("ALL", 60, 200, 7), row("L1", 4, 50, 0), row("L2", 56, 150, 7))
    assert sorted(disclosure.visible_counts(f)) == [0, 7, 7, 50, 60, 150, 200]


# --- properties --------------------------------------------------------------------------------


def is_hidden(text) -> bool:
    return str(text) == "c"


def determined(coefficients: list[float], j: int) -> bool:
    """In the one equation Σ coefficients · unknowns = known, is unknown ``j`` fixed? It is when
    its unit vector lies in the row space (the rank does not grow)."""
    a = np.array([coefficients], dtype=float)
    unit = np.zeros((1, len(coefficients)))
    unit[0, j] = 1.0
    return np.linalg.matrix_rank(np.vstack([a, unit])) == np.linalg.matrix_rank(a)


def groups_of(frame: pd.DataFrame) -> dict[tuple, list[dict]]:
    """(indicator_id, period_end) → its rows as dicts of the key and count columns, each with
    its index label as ``at``."""
    columns = ["indicator_id", "period_end", "area_code", *COUNTS, *(f"{c}_shown" for c in COUNTS)]
    lists = [frame[c].tolist() for c in columns]
    groups: dict[tuple, list[dict]] = {}
    for at, values in zip(frame.index, zip(*lists, strict=True), strict=True):
        r = dict(zip(columns, values, strict=True), at=at)
        groups.setdefault((r["indicator_id"], r["period_end"]), []).append(r)
    return groups


def recovered_cells(frame: pd.DataFrame) -> list[str]:
    """Cells (and unallocated parts from 1 to 5) a reader can solve for from the shown table:
    per indicator, period and count column, ALL − Σ localities − unallocated = 0."""
    found = []
    for (indicator, period), members in groups_of(frame).items():
        for column in COUNTS:
            total = sum(r[column] for r in members if r["area_code"] == "ALL")
            unallocated = total - sum(r[column] for r in members if r["area_code"] != "ALL")
            unknowns = [
                (r["area_code"], 1.0 if r["area_code"] == "ALL" else -1.0)
                for r in members
                if is_hidden(r[f"{column}_shown"])
            ]
            # a reader who knows the unallocated part (e.g. knows it is 0)
            coefficients = [c for _, c in unknowns]
            for j, (area, _) in enumerate(unknowns):
                if determined(coefficients, j):
                    found.append(f"{indicator} {period} {column} {area}")
            # a reader who does not: may they work the unallocated part out?
            if 1 <= unallocated <= 5 and determined([*coefficients, -1.0], len(coefficients)):
                found.append(f"{indicator} {period} {column} unallocated {unallocated}")
    return found


@settings(max_examples=200, deadline=None)
@given(tables())
def test_no_count_from_one_to_five_and_values_follow_their_counts(frame):
    f = apply(frame)
    for column in COUNTS:
        for text in f[f"{column}_shown"]:
            assert text == "c" or (text.isdigit() and not 1 <= int(text) <= 5)
        # a shown count is the true count
        visible = f[f[f"{column}_shown"] != "c"]
        assert list(visible[f"{column}_shown"]) == [str(n) for n in visible[column]]
    assert not any(1 <= n <= 5 for n in disclosure.visible_counts(f))

    for r in f.itertuples():
        counts_hidden = is_hidden(r.numerator_shown) or is_hidden(r.denominator_shown)
        small = r.measure == "percentage" and 0 < r.denominator < 10
        if counts_hidden or small:
            for text in (r.value_shown, r.lower_95_shown, r.upper_95_shown):
                assert text == "c"
            assert r.significance_shown == "c" and r.target_status_shown == "c"
        elif r.denominator == 0:
            assert r.value_shown == "x"
        else:
            assert r.value_shown == f"{r.value:.1f}"
            assert r.significance_shown == r.significance


@settings(max_examples=200, deadline=None)
@given(tables())
def test_no_suppressed_cell_can_be_recovered(frame):
    f = apply(frame)
    assert recovered_cells(f) == []
    # and secondary suppression is not wasteful: at most two extra cells per group and column
    for members in groups_of(f).values():
        for column in COUNTS:
            primary = sum(1 <= r[column] <= 5 for r in members)
            assert sum(is_hidden(r[f"{column}_shown"]) for r in members) <= primary + 2


@settings(max_examples=200, deadline=None)
@given(tables(), st.data())
def test_check_passes_apply_and_fails_a_broken_frame(frame, data):
    f = apply(frame)
    assert check(f) == []
    assert published(f).shape[0] == len(f)

    cells = [(i, c) for c in COUNTS for i in f.index if f.at[i, f"{c}_shown"] == "c"]
    assume(cells)

    def unsuppressed(i, column) -> list[str]:
        broken = f.copy()
        broken.at[i, f"{column}_shown"] = str(f.at[i, column])
        return check(broken)

    # show a count from 1 to 5
    primary = [(i, c) for i, c in cells if 1 <= f.at[i, c] <= 5]
    if primary:
        problems = unsuppressed(*data.draw(st.sampled_from(primary)))
        assert any("a count from 1 to 5" in p for p in problems)
    # show one of a pair of c cells, leaving the other alone in its group
    pairs = []
    for members in groups_of(f).values():
        for c in COUNTS:
            hidden = [r["at"] for r in members if is_hidden(r[f"{c}_shown"])]
            if len(hidden) == 2:
                pairs.append((hidden[0], c))
    if pairs:
        problems = unsuppressed(*data.draw(st.sampled_from(pairs)))
        assert any("only c cell" in p for p in problems)
    # show a value whose numerator or denominator is c
    rows = [i for i, c in cells if c != "excluded_records"]
    if rows:
        broken = f.copy()
        broken.at[data.draw(st.sampled_from(rows)), "value_shown"] = "12.3"
        assert any("value shown" in p for p in check(broken))


@settings(max_examples=50, deadline=None)
@given(tables(), st.integers(0, 1000))
def test_row_order_does_not_matter(frame, seed):
    key = ["indicator_id", "period_end", "area_code"]
    a = apply(frame).set_index(key).sort_index()
    b = apply(frame.sample(frac=1, random_state=seed)).set_index(key).sort_index()
    pd.testing.assert_frame_equal(a, b)
