"""Police: incidents at households, child notifications, flags and strategy discussions.

The recording-practice problems of the inspection letters are reproduced here: the child's
voice often unrecorded, notifications shared late, flags not set for children on plans,
strategy discussions missing from police systems (rates in ``practice``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from neglect_synthetic.generator.csc import DAY_MINUTES, CscRecords
from neglect_synthetic.generator.population import CHILD, Population
from neglect_synthetic.generator.timeline import NAT, YEAR, Timeline, poisson_events

INCIDENT_TYPE = ["DOMESTIC_ABUSE", "CHILD_NEGLECT", "MISSING_PERSON", "ASB", "VIOLENCE", "OTHER"]
FLAG_TYPE = ["CP_PLAN", "CIN_PLAN", "LOOKED_AFTER", "VULNERABLE_CHILD"]


def _household_events(rng, households, rate_per_year, start, stop):
    return poisson_events(rng, households, start, stop, rate_per_year)


def simulate_police(
    rng,
    pop: Population,
    csc: CscRecords,
    timeline: Timeline,
    model: dict,
    practice: dict,
    id_base: int,
) -> dict[str, pd.DataFrame]:
    h = np.arange(len(pop.hh_global))
    f = pop.hh_factor
    parts = [
        (
            *_household_events(
                rng,
                h[f["domestic_abuse"]],
                model["da_incidents_per_year"],
                timeline.first_window,
                timeline.last,
            ),
            0,
            0.6,
        ),
        (
            *_household_events(
                rng,
                h[f["neglect"]],
                model["neglect_incidents_per_year"],
                timeline.first_window,
                timeline.last,
            ),
            1,
            0.9,
        ),
        (
            *_household_events(
                rng, h, model["other_incidents_per_year"], timeline.first_window, timeline.last
            ),
            -1,
            0.15,
        ),
    ]
    hh_list, day_list, type_list, present_list = [], [], [], []
    for hh, day, kind, p_present in parts:
        hh_list.append(hh)
        day_list.append(day)
        kinds = (
            np.full(len(hh), kind)
            if kind >= 0
            else rng.choice([3, 4, 5], len(hh), p=[0.3, 0.3, 0.4])
        )
        type_list.append(kinds)
        present_list.append(rng.random(len(hh)) < p_present)
    hh = np.concatenate(hh_list)
    day = np.concatenate(day_list)
    kind = np.concatenate(type_list)
    present = np.concatenate(present_list)
    # Missing children are police incidents too (one per missing episode, the child present).
    missing = csc.missing
    assert missing is not None  # simulate_csc sets every fact
    m_person = missing["person"].to_numpy()
    hh = np.concatenate([hh, pop.hh[m_person]])
    m_dt = missing["start_datetime"].to_numpy() + rng.integers(30, 600, len(m_person))
    day = np.concatenate([day, m_dt // DAY_MINUTES])
    kind = np.concatenate([kind, np.full(len(m_person), 2)])
    present = np.concatenate([present, np.ones(len(m_person), dtype=bool)])
    n = len(hh)
    incident_dt = np.where(
        kind == 2,
        np.concatenate([np.zeros(n - len(m_person), np.int64), m_dt]),
        day * DAY_MINUTES + rng.integers(0, DAY_MINUTES, n),
    )
    known_address = (kind != 5) | (rng.random(n) < 0.7)
    incident_id = id_base + np.arange(n, dtype=np.int64)
    incidents = pd.DataFrame(
        {
            "incident_id": incident_id,
            "incident_datetime": incident_dt,
            "incident_type": kind,
            "_hh": np.where(known_address, hh, -1),
            "_locality": pop.hh_locality[hh],
            "children_present": present,
            "_visible": incident_dt // DAY_MINUTES,
            "_until": incident_dt // DAY_MINUTES,
        }
    )

    # Notifications: each child of the household (the missing child alone for MISSING_PERSON).
    children = pop.children
    order = np.argsort(pop.hh[children], kind="stable")
    by_hh = children[order]
    starts = np.searchsorted(pop.hh[by_hh], np.arange(len(pop.hh_global)))
    ends = np.searchsorted(pop.hh[by_hh], np.arange(len(pop.hh_global)), side="right")
    notify = present & np.isin(kind, [0, 1, 4]) & (rng.random(n) < 0.9)
    inc_idx = np.flatnonzero(notify)
    counts = ends[hh[inc_idx]] - starts[hh[inc_idx]]
    rep = np.repeat(inc_idx, counts)
    offs = np.arange(len(rep)) - np.repeat(np.cumsum(counts) - counts, counts)
    child = by_hh[np.repeat(starts[hh[inc_idx]], counts) + offs]
    age = (day[rep] - pop.birth[child]) / YEAR
    keep = (age >= 0) & (age < 18)
    rep, child = rep[keep], child[keep]
    missing_rows = np.flatnonzero(kind == 2)
    rep = np.concatenate([rep, missing_rows])
    child = np.concatenate([child, m_person])
    k = len(rep)
    neglect_hh = pop.hh_factor["neglect"][pop.hh[child]]
    note_dt = incident_dt[rep] + rng.integers(10, 36 * 60, k)
    shared_fast = rng.random(k) < practice["police_shared_within_24h"]
    shared = np.where(
        shared_fast,
        incident_dt[rep] + rng.integers(60, 24 * 60, k),
        np.where(
            rng.random(k) < 0.85,
            incident_dt[rep] + rng.integers(24 * 60 + 1, 20 * DAY_MINUTES, k),
            NAT,
        ),
    )
    child_present = rng.random(k) < 0.8
    notifications = pd.DataFrame(
        {
            "notification_id": id_base + np.arange(k, dtype=np.int64) + 3_000_000,
            "incident_id": incident_id[rep],
            "person": child,
            "notification_datetime": note_dt,
            "risk_grade": rng.choice(3, k, p=[0.55, 0.33, 0.12]),
            "neglect_concern": (kind[rep] == 1) | (neglect_hh & (rng.random(k) < 0.4)),
            "child_present": child_present,
            "voice_of_child_recorded": child_present
            & (rng.random(k) < practice["police_voice_of_child_recorded"]),
            "shared_with_csc_datetime": shared,
            "_visible": note_dt // DAY_MINUTES,
            "_until": note_dt // DAY_MINUTES,
        }
    )

    flags = _flags(rng, csc, practice, id_base)
    s47 = csc.s47
    assert s47 is not None  # simulate_csc sets every fact
    recorded = rng.random(len(s47)) < practice["police_strategy_discussion_recorded"]
    s = s47[recorded]
    offset = rng.choice([0, 0, 0, 0, 0, 0, -1, 1, 2, 3, -3], len(s))
    strategy = pd.DataFrame(
        {
            "strategy_id": id_base + np.arange(len(s), dtype=np.int64) + 6_000_000,
            "person": s["person"].to_numpy(),
            "discussion_date": s["strategy_discussion_date"].to_numpy() + offset,
        }
    )
    strategy["_visible"] = strategy["discussion_date"]
    strategy["_until"] = strategy["discussion_date"]
    assert (pop.role[child] == CHILD).all()
    return {
        "incidents": incidents,
        "child_notifications": notifications,
        "flags": flags,
        "strategy_discussions": strategy,
    }


def _flags(rng, csc: CscRecords, practice, id_base) -> pd.DataFrame:
    """Flags set (often late, sometimes never ended) for children on plans or in care."""
    cp = csc.cp
    assert cp is not None  # simulate_csc sets every fact
    set_cp = rng.random(len(cp)) < practice["police_flag_for_cp_plan"]
    c = cp[set_cp]
    n = len(c)
    start = c["start_date"].to_numpy() + rng.integers(0, 30, n)
    end = np.where(rng.random(n) < 0.7, c["end_date"].to_numpy() + rng.integers(0, 60, n), NAT)
    kind = np.where(rng.random(n) < 0.85, 0, 3)
    cla = csc.cla
    assert cla is not None  # simulate_csc sets every fact
    set_la = rng.random(len(cla)) < practice["police_flag_for_looked_after"]
    la = cla[set_la]
    m = len(la)
    la_start = la["start_date"].to_numpy() + rng.integers(0, 45, m)
    la_end = np.where(rng.random(m) < 0.6, la["end_date"].to_numpy() + rng.integers(0, 60, m), NAT)
    person = np.concatenate([c["person"].to_numpy(), la["person"].to_numpy()])
    start = np.concatenate([start, la_start])
    end = np.concatenate([end, la_end])
    end = np.where((end != NAT) & (end <= start), start + 1, end)
    return pd.DataFrame(
        {
            "flag_id": id_base + np.arange(n + m, dtype=np.int64) + 4_000_000,
            "person": person,
            "flag_type": np.concatenate([kind, np.full(m, 2)]),
            "start_date": start,
            "end_date": end,
            "_visible": start,
            "_until": np.where(end == NAT, np.iinfo(np.int64).max // 2, end),
        }
    )
