"""The attacker of the published tables (pack/attack.py; docs/disclosure.md): every public
relation it uses, hand-worked; the issue's recovery by subtraction, reproduced and then
defeated; and disclosure.apply's output attacked — on random tables (Hypothesis) and on whole
generated partnerships, three seeds each of ``tiny`` and ``small`` — by the module's integer
programs and by an independent linear program written for the tests (tests/pack/lp_attacker)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings

from neglect_synthetic.bench.bench_disclosure import built_values
from neglect_warehouse.partnership.pack import attack
from neglect_warehouse.partnership.pack.disclosure import apply, check
from tests.pack import lp_attacker
from tests.pack.tables import row, tables


def table(measure="percentage", unallocated=None, **areas) -> attack.Table:
    """A published table from ``AREA="numerator denominator excluded value"`` strings."""
    shown = {}
    for area, text in areas.items():
        n, d, e, v = text.split()
        shown[area] = {"numerator": n, "denominator": d, "excluded_records": e, "value": v}
    return attack.Table("S07", "2026-03-31", measure, shown, unallocated or {})


def found(t: attack.Table) -> dict[tuple[str, str], tuple[int, int]]:
    return {(w.area, w.column): (w.low, w.high) for w in attack.weaknesses(t)}


# --- the relations, one at a time ----------------------------------------------------------------


def test_the_issue_example_is_recovered_by_subtraction():
    # S07, 12 months to 2026-03-31 (small, README seed): ALL 20/26, L03 11/11, L04 6/9; L01's
    # and L02's numerators suppressed, but L01's denominator is 0, so L02 = 20 − 0 − 11 − 6
    t = table(
        ALL="20 26 0 76.9",
        L01="c 0 0 c",
        L02="c 6 0 c",
        L03="11 11 0 100.0",
        L04="6 9 0 c",
    )
    assert found(t) == {("L01", "numerator"): (0, 0), ("L02", "numerator"): (3, 3)}
    # the independent linear program agrees
    rows = [{"area_code": a, **s} for a, s in t.shown.items()]
    bounds = lp_attacker.bounds_of_hidden(
        rows, "percentage", dict.fromkeys(attack.COUNT_COLUMNS, 0)
    )
    assert bounds == {("L01", "numerator"): (0, 0), ("L02", "numerator"): (3, 3)}


def test_the_issue_example_after_apply_keeps_every_cell_uncertain():
    frame = pd.DataFrame(
        [
            row("ALL", 20, 26, indicator="S07"),
            row("L01", 0, 0, indicator="S07"),
            row("L02", 3, 6, indicator="S07"),
            row("L03", 11, 11, indicator="S07"),
            row("L04", 6, 9, indicator="S07"),
        ]
    )
    f = apply(frame)
    shown = dict(zip(f.area_code, f.numerator_shown, strict=True))
    # the useless complement (L01, pinned by its zero denominator) is not taken: L04 is
    assert shown == {"ALL": "20", "L01": "0", "L02": "c", "L03": "11", "L04": "c"}
    assert attack.attack(f) == [] and lp_attacker.recoverable(f) == [] and check(f) == []
    t = next(attack.tables(f))
    model = attack._Model(t)
    k = model.index[("L02", "numerator")]
    assert (model.solve({k: 1.0}), -model.solve({k: -1.0})) == (0.0, 6.0)  # 3 is one of 7


def test_a_shown_value_and_denominator_pin_a_hidden_numerator():
    assert found(table(ALL="c 50 0 12.0")) == {("ALL", "numerator"): (6, 6)}
    # a rate per 10,000: 7 in 5,000 is 14.0
    assert found(table("rate", ALL="c 5000 0 14.0")) == {("ALL", "numerator"): (7, 7)}


def test_a_shown_value_and_numerator_narrow_a_hidden_denominator():
    # 6 of d is 12.0% (to one decimal place): d is 50 exactly
    assert found(table(ALL="6 c 0 12.0")) == {("ALL", "denominator"): (50, 50)}
    # 6 of d is 40.0%: d is 15 exactly
    assert found(table(ALL="6 c 0 40.0")) == {("ALL", "denominator"): (15, 15)}


def test_x_says_the_denominator_is_zero():
    assert found(table(ALL="0 c 0 x")) == {("ALL", "denominator"): (0, 0)}


def test_numerator_at_most_denominator():
    assert found(table(ALL="c 1 0 c")) == {("ALL", "numerator"): (0, 1)}
    assert found(table(ALL="c 2 0 c")) == {}  # 0, 1 or 2
    assert found(table("rate", ALL="c 1 0 c")) == {}  # a rate's numerator is not bounded by it


def test_a_lone_c_in_a_column_is_worked_out_from_the_total():
    t = table(ALL="30 60 0 50.0", L1="c 20 0 c", L2="27 40 0 67.5")
    assert found(t) == {("L1", "numerator"): (3, 3)}
    # the total hidden too: now each is free
    t = table(ALL="c 60 0 c", L1="c 20 0 c", L2="27 40 0 67.5")
    assert found(t) == {}


def test_a_known_unallocated_part_is_used_and_a_small_one_is_protected():
    # ALL exceeds its localities by 2 (two children with no locality): known, L1 is 3 exactly
    t = table(
        unallocated={"numerator": 2, "denominator": 0, "excluded_records": 0},
        ALL="32 60 0 53.3",
        L1="c 20 0 c",
        L2="27 40 0 67.5",
    )
    assert found(t) == {("L1", "numerator"): (3, 3)}
    # nothing hidden: a reader who does not know the 2 works it out
    t = table(
        unallocated={"numerator": 2, "denominator": 0, "excluded_records": 0},
        ALL="32 60 0 53.3",
        L1="13 20 0 65.0",
        L2="17 40 0 42.5",
    )
    assert found(t) == {(attack.UNALLOCATED, "numerator"): (2, 2)}


def test_every_weakness_names_its_cell_and_what_is_learnt():
    (w,) = attack.weaknesses(table(ALL="c 50 0 12.0"))
    assert str(w) == "S07 2026-03-31 numerator of ALL is c but can be worked out exactly: 6"
    (w,) = attack.weaknesses(table(ALL="c 1 0 c"))
    assert "narrowed down to 0..1" in str(w)


def test_a_table_that_contradicts_itself_is_a_bug_not_an_attack():
    with pytest.raises(ValueError, match="contradicts itself"):
        attack.weaknesses(table(ALL="c 10 0 x"))


# --- apply against both attackers ---------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(tables())
def test_apply_resists_both_attackers_on_random_tables(frame):
    f = apply(frame)
    assert attack.attack(f) == []
    assert lp_attacker.recoverable(f) == []


SEEDS = (20261122, 7, 1234)


@pytest.mark.parametrize("profile", ["tiny", "small"])
@pytest.mark.parametrize("seed", SEEDS)
def test_every_published_table_of_a_partnership_resists_the_attack(profile, seed, tmp_path):
    values = built_values(profile, seed, tmp_path)  # the benchmark's, every month
    f = apply(values)
    assert (f.numerator_shown == "c").any()  # something to attack
    assert check(f) == []  # includes the module's integer programs
    if seed == SEEDS[0]:  # and the tests' own linear program, once per profile (slower)
        assert lp_attacker.recoverable(f) == []
