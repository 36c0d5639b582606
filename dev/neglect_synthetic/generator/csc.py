"""Children's social care: each child's career of referrals and what followed them.

A child's referrals come one after another (the next is not before the last episode closed),
so a child never has two open CP plans unless a defect is injected on purpose. Careers are
simulated in rounds, all children at once: round k draws every active child's k-th referral.
Rates come from ``model`` in profiles/default.yml and are calibrated to calibration.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from neglect_synthetic.generator.population import Population
from neglect_synthetic.generator.timeline import NAT, YEAR, Timeline, poisson_events, where

OUTCOMES = ("NFA", "NIN", "CIN", "CIN_PLAN", "S47", "ICPC", "CP", "CLA")
OUTCOME_CODE = {name: i for i, name in enumerate(OUTCOMES)}
ABUSE = ["NEG", "PHY", "SAB", "EMO", "MUL"]
REFERRAL_SOURCE = [
    "1A",
    "1B",
    "1C",
    "1D",
    "2A",
    "2B",
    "3A",
    "3B",
    "3C",
    "3D",
    "3E",
    "3F",
    "4",
    "5A",
    "5B",
    "5C",
    "5D",
    "6",
    "7",
    "8",
    "9",
    "10",
]
_SOURCE_SHARE = np.array([3, 2, 1, 2, 18, 2, 3, 2, 4, 2, 2, 1, 3, 5, 3, 2, 1, 29, 4, 6, 2, 3.0])
CONTACT_OUTCOME = ["NFA", "INFO_ADVICE", "EARLY_HELP", "REFERRAL"]
LEGAL_STATUS = ["C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3"]
REASON_CEASED = [
    "E11",
    "E12",
    "E13",
    "E14",
    "E15",
    "E16",
    "E17",
    "E2",
    "E3",
    "E41",
    "E45",
    "E46",
    "E47",
    "E48",
    "E4A",
    "E4B",
    "E5",
    "E6",
    "E7",
    "E8",
    "E9",
    "X1",
]
_OTHER_FACTORS = ["5A", "6A", "8B", "14A", "17A", "18B", "19B", "20", "22A", "9A", "10A"]
DAY_MINUTES = 1440


def _uniform(rng, low, high, n):
    return rng.integers(low, high + 1, n)


def _working_days_to_calendar(wd: np.ndarray) -> np.ndarray:
    """Calendar days spanned by ``wd`` working days (ignoring bank holidays)."""
    return (wd // 5) * 7 + wd % 5


@dataclass
class CscRecords:
    """Entity frames with integer days and codes, plus helper columns (``_*``) that the
    snapshot step uses to decide what an extract on a given date shows."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    # Facts other agencies react to (child is a person index).
    cp: pd.DataFrame | None = None
    s47: pd.DataFrame | None = None
    cla: pd.DataFrame | None = None
    missing: pd.DataFrame | None = None
    known_from: np.ndarray | None = None  # per person: first CSC contact day, else NAT


def simulate_csc(
    rng: np.random.Generator,
    pop: Population,
    timeline: Timeline,
    model: dict,
    practice: dict,
    id_base: int,
) -> CscRecords:
    children = pop.children
    tier = pop.hh_tier[pop.hh[children]]
    neglect = pop.hh_factor["neglect"][pop.hh[children]]
    birth = pop.birth[children]
    end = np.minimum(timeline.last, birth + int(18 * YEAR))
    t = np.maximum(timeline.start, birth - 150)

    rate = np.array(model["referral_per_year_by_tier"])[tier] / YEAR
    quick = np.array(model["quick_rereferral_by_tier"])[tier]
    outcome_p = np.array([model["outcome_by_tier"][o] for o in OUTCOMES]).T  # tier x outcome
    outcome_p = outcome_p / outcome_p.sum(axis=1, keepdims=True)

    rounds: list[dict[str, np.ndarray]] = []
    active = np.arange(len(children))
    previous_quick = np.zeros(len(children), dtype=bool)
    while len(active):
        n = len(active)
        is_quick = previous_quick[active] & (rng.random(n) < quick[active])
        gap = np.where(
            is_quick, _uniform(rng, 20, 330, n), rng.exponential(1.0, n) / rate[active]
        ).astype(np.int64)
        ref = t[active] + np.maximum(gap, 1)
        ok = ref <= end[active]
        active, ref = active[ok], ref[ok]
        if not len(active):
            break
        r = _simulate_round(
            rng, active, ref, tier[active], neglect[active], outcome_p, model, practice
        )
        rounds.append(r)
        t[active] = r["episode_end"] + 1
        previous_quick[active] = True
        still = t[active] <= end[active]
        active = active[still]

    return _assemble(rng, rounds, children, pop, timeline, model, practice, id_base)


def _simulate_round(
    rng: np.random.Generator,
    child: np.ndarray,
    ref: np.ndarray,
    tier: np.ndarray,
    neglect: np.ndarray,
    outcome_p: np.ndarray,
    model: dict,
    practice: dict,
) -> dict[str, np.ndarray]:
    n = len(child)
    u = rng.random(n)
    outcome = (u[:, None] > np.cumsum(outcome_p[tier], axis=1)).sum(axis=1)
    outcome = np.minimum(outcome, len(OUTCOMES) - 1)
    r: dict[str, np.ndarray] = {"child": child, "referral_date": ref, "outcome": outcome}

    # Front door: the contact that became this referral, and its decision.
    contact_day = ref - rng.choice([0, 0, 0, 0, 1, 2], n)
    contact_dt = contact_day * DAY_MINUTES + _uniform(rng, 8 * 60, 18 * 60, n)
    fast = rng.random(n) < model["contact_decision_within_24h"]
    delay = np.where(fast, _uniform(rng, 20, 24 * 60, n), _uniform(rng, 24 * 60 + 1, 96 * 60, n))
    r["contact_datetime"] = contact_dt
    r["decision_datetime"] = contact_dt + delay
    r["referral_date"] = np.maximum(ref, (contact_dt + delay) // DAY_MINUTES)
    ref = r["referral_date"]
    r["source"] = rng.choice(len(REFERRAL_SOURCE), n, p=_SOURCE_SHARE / _SOURCE_SHARE.sum())
    r["neglect_factor"] = rng.random(n) < np.where(neglect, 0.65, 0.10)

    nfa = outcome == OUTCOME_CODE["NFA"]
    assessed = ~nfa
    a_start = ref + _uniform(rng, 0, 7, n)
    on_time = rng.random(n) < model["assessment_on_time"]
    wd = np.where(on_time, _uniform(rng, 8, 40, n), _uniform(rng, 46, 110, n))
    a_auth = a_start + _working_days_to_calendar(wd)
    r["assessed"] = assessed
    r["assessment_start"] = a_start
    r["assessment_authorised"] = a_auth

    s47 = np.isin(
        outcome,
        [OUTCOME_CODE["S47"], OUTCOME_CODE["ICPC"], OUTCOME_CODE["CP"], OUTCOME_CODE["CLA"]],
    )
    strategy = ref + rng.choice([0, 0, 1, 1, 2, 3], n)
    s47_start = strategy + rng.choice([0, 0, 0, 1], n)
    icpc_on_time = rng.random(n) < model["icpc_on_time"]
    icpc_wd = np.where(icpc_on_time, _uniform(rng, 7, 15, n), _uniform(rng, 16, 40, n))
    has_icpc = np.isin(outcome, [OUTCOME_CODE["ICPC"], OUTCOME_CODE["CP"]])
    icpc = s47_start + _working_days_to_calendar(icpc_wd)
    conclusion = s47_start + _uniform(rng, 5, 30, n)
    r["s47"] = s47
    r["strategy_discussion_date"] = strategy
    r["s47_start"] = s47_start
    r["icpc_date"] = where(has_icpc, icpc)
    # No ICPC needed: decided when the enquiry concludes.
    r["icpc_not_required_from"] = where(s47 & ~has_icpc, conclusion)

    # CP plan.
    cp = outcome == OUTCOME_CODE["CP"]
    band = rng.choice(5, n, p=np.array(model["cp_duration_bands"]))
    low = np.array([14, 92, 183, 366, 730])[band]
    high = np.array([91, 182, 365, 729, 1100])[band]
    # Within a band, shorter plans are commoner (England's plans at 31 March are fewer than
    # its starts times the bands' mid-points would give).
    cp_end = icpc + low + ((high - low) * rng.random(n) ** 1.5).astype(np.int64)
    p_neg = np.where(
        neglect, model["cp_neglect_if_neglect_household"], model["cp_neglect_otherwise"]
    )
    other = rng.choice([1, 2, 3, 4], n, p=[0.25, 0.08, 0.55, 0.12])
    initial = np.where(rng.random(n) < p_neg, 0, other)
    changes = rng.random(n) < model["cp_category_changes"]
    latest = np.where(changes, np.where(initial == 0, 4, 0), initial)
    change_day = icpc + (cp_end - icpc) // 2
    r["cp"] = cp
    r["cp_start"] = icpc
    r["cp_end"] = cp_end
    r["cp_initial"] = initial
    r["cp_latest"] = latest
    r["cp_change_day"] = where(changes, change_day)

    # CLA: straight from an enquiry, or when a CP plan ends.
    cla_direct = outcome == OUTCOME_CODE["CLA"]
    cla_after = cp & (rng.random(n) < model["cla_after_cp"])
    cla_start = np.where(cla_direct, conclusion, cp_end)
    cla_length = np.exp(rng.normal(np.log(500), 0.9, n)).astype(np.int64) + 7
    r["cla"] = cla_direct | cla_after
    r["cla_start"] = cla_start
    r["cla_end"] = cla_start + cla_length

    # CIN plans: from assessment, after an enquiry without ICPC, or stepping down from CP.
    cin_from_assessment = outcome == OUTCOME_CODE["CIN_PLAN"]
    cin_after_s47 = np.isin(outcome, [OUTCOME_CODE["S47"], OUTCOME_CODE["ICPC"]]) & (
        rng.random(n) < 0.5
    )
    step_down = cp & ~cla_after & (rng.random(n) < model["step_down_cin_after_cp"])
    cin_start = np.select(
        [cin_from_assessment, cin_after_s47, step_down],
        [a_auth + _uniform(rng, 0, 14, n), np.maximum(conclusion, a_auth), cp_end],
        NAT,
    )
    cin_end = cin_start + _uniform(rng, 60, 450, n)
    has_cin = cin_from_assessment | cin_after_s47 | step_down
    r["cin"] = has_cin
    r["cin_start"] = cin_start
    r["cin_end"] = cin_end

    # Referral closure: when the last of its services ends.
    ends = np.column_stack(
        [
            np.where(nfa, ref + _uniform(rng, 0, 5, n), ref),
            np.where(assessed, a_auth, ref),
            np.where(outcome == OUTCOME_CODE["CIN"], a_auth + _uniform(rng, 30, 180, n), ref),
            np.where(s47, np.where(has_icpc, icpc, conclusion), ref),
            np.where(cp, cp_end, ref),
            np.where(has_cin, cin_end, ref),
        ]
    )
    closure = ends.max(axis=1) + _uniform(rng, 0, 20, n)
    r["closure_date"] = closure
    r["closure_reason"] = np.select(
        [nfa, outcome == OUTCOME_CODE["NIN"], outcome == OUTCOME_CODE["CIN"]],
        [np.full(n, 7), np.where(rng.random(n) < 0.7, 7, 8), np.full(n, 6)],
        6,
    )
    r["episode_end"] = np.where(r["cla"], np.maximum(closure, r["cla_end"]), closure)
    need = rng.choice(np.arange(2, 10), n)
    r["primary_need"] = np.where(nfa, -1, np.where(s47 | neglect, 1, need))
    r["nfa"] = nfa
    return r


def _cat(rounds, key):
    return np.concatenate([r[key] for r in rounds]) if rounds else np.empty(0, dtype=np.int64)


def _factors(rng, outcome, household_factors) -> list[str]:
    """CIN assessment factors (``;``-separated); ``21`` (no factors) for children not in need."""
    neglect, da, mh, sm = household_factors
    n = len(outcome)
    draws = rng.random((n, 8))
    other = rng.integers(0, len(_OTHER_FACTORS), n)
    out = []
    for i in range(n):
        if outcome[i] == OUTCOME_CODE["NIN"]:
            out.append("21")
            continue
        f = []
        if draws[i, 0] < (0.85 if neglect[i] else 0.06):
            f.append("16A")
        if draws[i, 1] < (0.75 if da[i] else 0.05):
            f.append("3B")
        if da[i] and draws[i, 2] < 0.3:
            f.append("3A")
        if draws[i, 3] < (0.7 if mh[i] else 0.08):
            f.append("4B")
        if draws[i, 4] < (0.5 if sm[i] else 0.03):
            f.append("2B")
        if sm[i] and draws[i, 5] < 0.35:
            f.append("1B")
        if not f or draws[i, 6] < 0.4:
            f.append(_OTHER_FACTORS[other[i]])
        out.append(";".join(f))
    return out


def _assemble(rng, rounds, children, pop, timeline, model, practice, id_base) -> CscRecords:
    child = children[_cat(rounds, "child")]  # person index
    n = len(child)
    rid = id_base + np.arange(n, dtype=np.int64)
    hh = pop.hh[child]
    out = CscRecords()
    outcome = _cat(rounds, "outcome")

    # Contacts: one per referral, plus contacts that did not become referrals.
    ref_contacts = pd.DataFrame(
        {
            "contact_id": rid,
            "person": child,
            "contact_datetime": _cat(rounds, "contact_datetime"),
            "source_code": _cat(rounds, "source"),
            "neglect_factor": _cat(rounds, "neglect_factor"),
            "decision_datetime": _cat(rounds, "decision_datetime"),
            "outcome": np.full(n, 3),
        }
    )
    other = _other_contacts(rng, pop, children, timeline, model, id_base + n)
    contacts = pd.concat([ref_contacts, other], ignore_index=True)
    contacts["_visible"] = contacts["contact_datetime"] // DAY_MINUTES
    contacts["_until"] = contacts["decision_datetime"] // DAY_MINUTES
    out.frames["contacts"] = contacts

    closure = _cat(rounds, "closure_date")
    out.frames["referrals"] = pd.DataFrame(
        {
            "referral_id": rid,
            "person": child,
            "contact_id": rid,
            "referral_date": _cat(rounds, "referral_date"),
            "source_code": _cat(rounds, "source"),
            "primary_need_code": _cat(rounds, "primary_need"),
            "nfa": _cat(rounds, "nfa"),
            "closure_date": closure,
            "closure_reason": _cat(rounds, "closure_reason"),
            "_visible": _cat(rounds, "referral_date"),
            "_until": closure,
        }
    )
    # Every record of a referral stays in a delivery as long as the referral does.
    ref_until = closure

    assessed = _cat(rounds, "assessed")
    factors = _factors(
        rng,
        outcome[assessed],
        [
            pop.hh_factor[k][hh[assessed]]
            for k in ("neglect", "domestic_abuse", "mental_health", "substance_misuse")
        ],
    )
    out.frames["assessments"] = pd.DataFrame(
        {
            "assessment_id": rid[assessed],
            "referral_id": rid[assessed],
            "person": child[assessed],
            "start_date": _cat(rounds, "assessment_start")[assessed],
            "authorised_date": _cat(rounds, "assessment_authorised")[assessed],
            "factors": factors,
            "_visible": _cat(rounds, "assessment_start")[assessed],
            "_until": ref_until[assessed],
        }
    )

    s47 = _cat(rounds, "s47")
    out.frames["s47_enquiries"] = pd.DataFrame(
        {
            "s47_id": rid[s47],
            "referral_id": rid[s47],
            "person": child[s47],
            "strategy_discussion_date": _cat(rounds, "strategy_discussion_date")[s47],
            "start_date": _cat(rounds, "s47_start")[s47],
            "icpc_date": _cat(rounds, "icpc_date")[s47],
            "_icpc_not_required_from": _cat(rounds, "icpc_not_required_from")[s47],
            "_visible": _cat(rounds, "strategy_discussion_date")[s47],
            "_until": ref_until[s47],
        }
    )

    cin = _cat(rounds, "cin")
    out.frames["cin_plans"] = pd.DataFrame(
        {
            "cin_plan_id": rid[cin],
            "referral_id": rid[cin],
            "person": child[cin],
            "start_date": _cat(rounds, "cin_start")[cin],
            "end_date": _cat(rounds, "cin_end")[cin],
            "_visible": _cat(rounds, "cin_start")[cin],
            "_until": ref_until[cin],
        }
    )

    cp = _cat(rounds, "cp")
    cp_frame = pd.DataFrame(
        {
            "cp_plan_id": rid[cp],
            "referral_id": rid[cp],
            "person": child[cp],
            "start_date": _cat(rounds, "cp_start")[cp],
            "end_date": _cat(rounds, "cp_end")[cp],
            "initial_category": _cat(rounds, "cp_initial")[cp],
            "latest_category": _cat(rounds, "cp_latest")[cp],
            "_category_change": _cat(rounds, "cp_change_day")[cp],
            "_visible": _cat(rounds, "cp_start")[cp],
            "_until": ref_until[cp],
        }
    )
    out.frames["cp_plans"] = cp_frame
    out.cp = cp_frame
    out.s47 = out.frames["s47_enquiries"]

    cla = _cat(rounds, "cla")
    out.frames["cla_episodes"], out.cla = _cla_episodes(
        rng,
        child[cla],
        _cat(rounds, "cla_start")[cla],
        _cat(rounds, "cla_end")[cla],
        model,
        id_base,
    )
    out.frames["missing_episodes"] = _missing(
        rng, pop, children, timeline, model, practice, out.cla, id_base
    )
    out.missing = out.frames["missing_episodes"]
    out.frames["family_hub"] = _family_hub(rng, pop, children, cp_frame, practice)
    out.frames["neglect_tools"] = _neglect_tools(rng, cp_frame, practice, id_base)

    known = np.full(len(pop.birth), NAT)
    first = contacts.groupby("person")["contact_datetime"].min() // DAY_MINUTES
    known[first.index.to_numpy()] = first.to_numpy()
    out.known_from = known
    return out


def _other_contacts(rng, pop, children, timeline, model, id_base) -> pd.DataFrame:
    """Contacts that ended at the front door (no referral)."""
    tier = pop.hh_tier[pop.hh[children]]
    per_year = (
        np.array(model["referral_per_year_by_tier"])[tier] * model["other_contacts_per_referral"]
    )
    birth = pop.birth[children]
    start = np.maximum(timeline.start, birth - 100)
    stop = np.minimum(timeline.last, birth + int(18 * YEAR))
    person, day = poisson_events(rng, children, start, stop, per_year)
    n = len(person)
    dt = day * DAY_MINUTES + _uniform(rng, 8 * 60, 18 * 60, n)
    fast = rng.random(n) < model["contact_decision_within_24h"]
    delay = np.where(fast, _uniform(rng, 20, 24 * 60, n), _uniform(rng, 24 * 60 + 1, 96 * 60, n))
    neglect = pop.hh_factor["neglect"][pop.hh[person]]
    return pd.DataFrame(
        {
            "contact_id": id_base + np.arange(n, dtype=np.int64),
            "person": person,
            "contact_datetime": dt,
            "source_code": rng.choice(
                len(REFERRAL_SOURCE), n, p=_SOURCE_SHARE / _SOURCE_SHARE.sum()
            ),
            "neglect_factor": rng.random(n) < np.where(neglect, 0.45, 0.08),
            "decision_datetime": dt + delay,
            "outcome": rng.choice(3, n, p=[0.35, 0.40, 0.25]),
        }
    )


def _cla_episodes(rng, child, start, end, model, id_base):
    """A period in care as one to three contiguous SSDA903 episodes."""
    n = len(child)
    periods = pd.DataFrame({"person": child, "start_date": start, "end_date": end})
    k = 1 + rng.choice(3, n, p=[0.55, 0.3, 0.15])
    idx = np.repeat(np.arange(n), k)
    order = np.arange(len(idx)) - np.repeat(np.cumsum(k) - k, k)
    frac_lo = order / k[idx]
    frac_hi = (order + 1) / k[idx]
    length = end[idx] - start[idx]
    e_start = start[idx] + (frac_lo * length).astype(np.int64)
    e_end = start[idx] + (frac_hi * length).astype(np.int64)
    last = order == k[idx] - 1
    first = order == 0
    neglect_need = rng.random(n) < model["cla_neglect_category_of_need"]
    need = np.where(neglect_need, 0, rng.integers(1, 8, n))
    legal_first = rng.choice(
        len(LEGAL_STATUS),
        n,
        p=[0.05, 0.40, 0.0, 0.05, 0.35, 0.0, 0.0, 0.06, 0.06, 0.0, 0.01, 0.01, 0.01],
    )
    legal = np.where(
        first, legal_first[idx], np.where(rng.random(len(idx)) < 0.6, 0, legal_first[idx])
    )
    ceased_final = rng.choice(
        [0, 1, 2, 14, 16, 17, 19, 20], n, p=[0.10, 0.04, 0.15, 0.35, 0.12, 0.08, 0.08, 0.08]
    )
    episodes = pd.DataFrame(
        {
            "episode_id": id_base + np.arange(len(idx), dtype=np.int64) + 5_000_000,
            "person": child[idx],
            "start_date": e_start,
            "end_date": e_end,
            "reason_new_episode": np.where(
                first, 0, rng.choice([1, 2, 3], len(idx), p=[0.3, 0.6, 0.1])
            ),
            "legal_status": legal,
            "category_of_need": need[idx],
            "reason_ceased": np.where(last, ceased_final[idx], 21),
            "_visible": e_start,
            "_until": e_end,
        }
    )
    return episodes, periods


def _missing(rng, pop, children, timeline, model, practice, cla, id_base) -> pd.DataFrame:
    tier = pop.hh_tier[pop.hh[children]]
    per_year = np.array(model["missing_per_year_by_tier"])[tier]
    in_care = np.zeros(len(pop.birth), dtype=bool)
    in_care[cla["person"].to_numpy()] = True
    per_year = np.where(in_care[children], per_year + 1.2, per_year)
    birth = pop.birth[children]
    start = np.maximum(timeline.start, birth + int(10 * YEAR))
    stop = np.minimum(timeline.last, birth + int(18 * YEAR))
    person, day = poisson_events(rng, children, start, stop, per_year)
    n = len(person)
    start_dt = day * DAY_MINUTES + rng.integers(0, DAY_MINUTES, n)
    hours = np.exp(rng.normal(np.log(10), 1.0, n))
    end_dt = start_dt + (hours * 60).astype(np.int64) + 30
    offered = rng.choice([1, 0, -1], n, p=[0.9, 0.05, 0.05])
    timely = rng.random(n) < practice["rhi_within_72_hours"]
    late = rng.random(n) < 0.5
    end_day = end_dt // DAY_MINUTES
    completed = np.where(
        timely,
        end_day + rng.integers(0, 4, n),
        np.where(late, end_day + rng.integers(4, 15, n), NAT),
    )
    completed = np.where(offered == 1, completed, NAT)
    return pd.DataFrame(
        {
            "missing_id": id_base + np.arange(n, dtype=np.int64) + 7_000_000,
            "person": person,
            "start_datetime": start_dt,
            "end_datetime": end_dt,
            "rhi_offered": offered,
            "rhi_completed_date": completed,
            "_visible": day,
            "_until": end_day,
        }
    )


def _family_hub(rng, pop, children, cp, practice) -> pd.DataFrame:
    """One registration per child; attendance every three weeks until the family stops."""
    birth = pop.birth
    neglect_cp = cp[
        (cp["initial_category"] == 0)
        & (cp["start_date"] < birth[cp["person"].to_numpy()] + int(6 * YEAR))
    ]
    first_plan = neglect_cp.groupby("person")["start_date"].min()
    registered = np.full(len(birth), NAT)
    stop = np.full(len(birth), NAT)
    p = first_plan.index.to_numpy()
    s = first_plan.to_numpy()
    reg = rng.random(len(p)) < practice["family_hub_registration_neglect_under6"]
    registered[p[reg]] = np.maximum(birth[p[reg]] + 14, s[reg] - rng.integers(-30, 300, reg.sum()))
    engaged = rng.random(len(p)) < practice["family_hub_engagement_neglect_under6"]
    stop[p] = np.where(engaged, np.iinfo(np.int64).max // 2, s + rng.integers(30, 200, len(p)))
    others = children[registered[children] == NAT]
    join = rng.random(len(others)) < practice["family_hub_registration_other_under5"]
    o = others[join]
    registered[o] = birth[o] + rng.integers(20, int(4 * YEAR), len(o))
    stop[o] = registered[o] + rng.integers(30, 900, len(o))
    person = np.flatnonzero(registered != NAT)
    return pd.DataFrame(
        {
            "person": person,
            "registered_date": registered[person],
            "_attend_until": stop[person],
            "_visible": registered[person],
            "_until": np.minimum(stop[person], registered[person] + int(7 * YEAR)),
        }
    )


def _neglect_tools(rng, cp, practice, id_base) -> pd.DataFrame:
    neg = cp[cp["initial_category"] == 0]
    used = rng.random(len(neg)) < practice["neglect_tool_at_neglect_cp_start"]
    neg = neg[used]
    n = len(neg)
    day = neg["start_date"].to_numpy() + rng.integers(-60, 75, n)
    return pd.DataFrame(
        {
            "tool_id": id_base + np.arange(n, dtype=np.int64) + 9_000_000,
            "person": neg["person"].to_numpy(),
            "completing_agency": rng.choice([0, 1, 2, 4, 5], n, p=[0.7, 0.15, 0.03, 0.1, 0.02]),
            "tool": np.where(rng.random(n) < 0.9, 0, 1),
            "completed_date": day,
            "overall_grade": rng.choice([1, 2, 3, 4], n, p=[0.1, 0.35, 0.4, 0.15]),
            "_visible": day,
            "_until": day,
        }
    )
