"""Health: child records, appointments (mandated health-visiting reviews, ICPC health
assessments, routine care), ED attendances, antenatal bookings and adult episodes.

'Was not brought' is more likely for children known to children's social care (odds ratio in
``model``), and children on neglect plans get their reviews on time less often."""

from __future__ import annotations

import numpy as np
import pandas as pd

from neglect_synthetic.generator.csc import DAY_MINUTES, CscRecords
from neglect_synthetic.generator.population import CHILD, MOTHER, PARTNER, Population
from neglect_synthetic.generator.timeline import NAT, YEAR, Timeline, poisson_events

SERVICE = ["HEALTH_VISITING", "SCHOOL_NURSING", "GP", "CAMHS", "DENTAL", "PAEDIATRICS", "MIDWIFERY"]
APPOINTMENT_TYPE = [
    "NEW_BIRTH_VISIT",
    "REVIEW_6_8_WEEK",
    "REVIEW_12_MONTH",
    "REVIEW_2_YEAR",
    "ICPC_HEALTH_ASSESSMENT",
    "ROUTINE",
]
OUTCOME = ["ATTENDED", "WAS_NOT_BROUGHT", "CANCELLED_BY_FAMILY", "CANCELLED_BY_SERVICE"]
REVIEW_DUE_DAYS = {
    "NEW_BIRTH_VISIT": 14,
    "REVIEW_6_8_WEEK": 56,
    "REVIEW_12_MONTH": 365,
    "REVIEW_2_YEAR": 913,
}
FOREVER = np.iinfo(np.int64).max // 2


def _on_neglect_plan(csc: CscRecords, person: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Whether each (person, day) falls inside one of the person's CP plans (any category)."""
    cp = csc.cp
    assert cp is not None  # simulate_csc sets every fact
    result = np.zeros(len(person), dtype=bool)
    if not len(cp) or not len(person):
        return result
    frame = pd.DataFrame({"person": person, "day": day, "row": np.arange(len(person))})
    joined = frame.merge(cp[["person", "start_date", "end_date"]], on="person")
    inside = (joined["start_date"] <= joined["day"]) & (joined["day"] < joined["end_date"])
    result[joined.loc[inside, "row"].to_numpy()] = True
    return result


def simulate_health(
    rng,
    pop: Population,
    csc: CscRecords,
    timeline: Timeline,
    model: dict,
    practice: dict,
    id_base: int,
) -> dict[str, pd.DataFrame]:
    children = pop.children
    birth = pop.birth[children]
    known = csc.known_from
    assert known is not None  # simulate_csc sets every fact
    frames = {}

    # Mandated health-visiting reviews for children born in the simulated period.
    born = children[birth >= timeline.start]
    rows = []
    for t, review in enumerate(
        ("NEW_BIRTH_VISIT", "REVIEW_6_8_WEEK", "REVIEW_12_MONTH", "REVIEW_2_YEAR")
    ):
        due = pop.birth[born] + REVIEW_DUE_DAYS[review]
        n = len(born)
        p = np.full(n, model["hv_on_time"][review])
        on_plan = _on_neglect_plan(csc, born, due)
        p = np.where(on_plan, p * model["hv_on_time_neglect_plan_factor"], p)
        on_time = rng.random(n) < p
        first = np.where(on_time, due - rng.integers(0, 10, n), due + rng.integers(1, 150, n))
        missed_first = ~on_time & (rng.random(n) < 0.5)
        outcome = np.where(missed_first, rng.choice([1, 2, 3], n, p=[0.6, 0.2, 0.2]), 0)
        rows.append((born, np.full(n, t), np.full(n, 0), first, due, outcome))
        rebook = born[missed_first]
        m = len(rebook)
        re_day = first[missed_first] + rng.integers(7, 45, m)
        re_outcome = np.where(rng.random(m) < 0.8, 0, 1)
        rows.append((rebook, np.full(m, t), np.full(m, 0), re_day, due[missed_first], re_outcome))

    # ICPC health assessments, requested on the ICPC date.
    s47 = csc.s47
    assert s47 is not None  # simulate_csc sets every fact
    icpc = s47[s47["icpc_date"] != NAT]
    person = icpc["person"].to_numpy()
    requested = icpc["icpc_date"].to_numpy()
    n = len(person)
    timely = rng.random(n) < practice["icpc_health_assessment_within_10_days"]
    scheduled = requested + np.where(timely, rng.integers(1, 11, n), rng.integers(11, 40, n))
    outcome = np.where(rng.random(n) < 0.9, 0, rng.choice([1, 2, 3], n))
    icpc_rows = (
        person,
        np.full(n, 4),
        np.full(n, 5),
        scheduled,
        np.full(n, NAT),
        outcome,
        requested,
    )

    # Routine appointments: 'was not brought' more often for children known to CSC.
    start = np.maximum(timeline.first_window, birth)
    stop = np.minimum(timeline.last + 60, birth + int(18 * YEAR))
    person, day = poisson_events(rng, children, start, stop, model["routine_appointments_per_year"])
    n = len(person)
    base = model["was_not_brought"]
    odds = base / (1 - base) * model["was_not_brought_odds_ratio"]
    known_then = (known[person] != NAT) & (known[person] <= day)
    p_wnb = np.where(known_then, odds / (1 + odds), base)
    u = rng.random(n)
    outcome = np.where(
        u < p_wnb, 1, np.where(u < p_wnb + 0.04, 2, np.where(u < p_wnb + 0.07, 3, 0))
    )
    age = (day - pop.birth[person]) / YEAR
    service = np.where(
        age < 5,
        rng.choice([0, 2, 4, 5], n, p=[0.3, 0.5, 0.1, 0.1]),
        rng.choice([1, 2, 3, 4, 5], n, p=[0.15, 0.5, 0.05, 0.2, 0.1]),
    )
    routine_rows = (person, np.full(n, 5), service, day, np.full(n, NAT), outcome)

    def stack(parts, with_requested=False):
        cols = list(zip(*parts, strict=True)) if parts else []
        return [np.concatenate(c) for c in cols]

    p_hv, t_hv, s_hv, d_hv, due_hv, o_hv = stack(rows)
    appointments = pd.DataFrame(
        {
            "person": np.concatenate([p_hv, icpc_rows[0], routine_rows[0]]),
            "service": np.concatenate([s_hv, icpc_rows[2], routine_rows[2]]),
            "appointment_type": np.concatenate([t_hv, icpc_rows[1], routine_rows[1]]),
            "requested_date": np.concatenate(
                [np.full(len(p_hv), NAT), icpc_rows[6], np.full(len(routine_rows[0]), NAT)]
            ),
            "due_date": np.concatenate([due_hv, icpc_rows[4], routine_rows[4]]),
            "scheduled_date": np.concatenate([d_hv, icpc_rows[3], routine_rows[3]]),
            "outcome": np.concatenate([o_hv, icpc_rows[5], routine_rows[5]]),
        }
    )
    appointments = appointments.sort_values(["scheduled_date", "person"], kind="stable")
    appointments.insert(0, "appointment_id", id_base + np.arange(len(appointments), dtype=np.int64))
    # An appointment is in the extract once booked (about three weeks ahead).
    appointments["_visible"] = appointments["scheduled_date"] - 21
    appointments["_until"] = appointments["scheduled_date"]
    appointments["_outcome_known"] = appointments["scheduled_date"]
    frames["appointments"] = appointments.reset_index(drop=True)

    frames["ed_attendances"] = _ed(rng, pop, children, timeline, model, id_base)
    frames["antenatal_bookings"] = _antenatal(rng, pop, csc, timeline, practice, id_base)
    frames["child_records"] = _child_records(rng, pop, csc, practice)
    frames["adult_episodes"] = _adult_episodes(rng, pop, timeline, id_base)
    return frames


def _ed(rng, pop, children, timeline, model, id_base):
    birth = pop.birth[children]
    tier = pop.hh_tier[pop.hh[children]]
    start = np.maximum(timeline.first_window, birth)
    stop = np.minimum(timeline.last, birth + int(18 * YEAR))
    per_year = model["ed_per_year"] * np.array([1.0, 1.3, 1.8, 2.5])[tier]
    person, day = poisson_events(rng, children, start, stop, per_year)
    n = len(person)
    p_concern = np.array([0.01, 0.04, 0.12, 0.25])[pop.hh_tier[pop.hh[person]]]
    concern = rng.random(n) < p_concern
    arrival = day * DAY_MINUTES + rng.integers(0, DAY_MINUTES, n)
    return pd.DataFrame(
        {
            "attendance_id": id_base + np.arange(n, dtype=np.int64) + 2_000_000,
            "person": person,
            "arrival_datetime": arrival,
            "safeguarding_concern": concern,
            "referred_to_csc": concern & (rng.random(n) < 0.5),
            "_visible": day,
            "_until": day,
        }
    )


def _antenatal(rng, pop, csc, timeline, practice, id_base):
    """A booking by the mother for each birth, about 28 weeks before the expected date."""
    children = pop.children
    birth = pop.birth[children]
    sel = children[birth >= timeline.start + 300]
    n = len(sel)
    edd = pop.birth[sel] + rng.integers(-14, 15, n)
    booking = edd - rng.integers(170, 230, n)
    tier = pop.hh_tier[pop.hh[sel]]
    concern = rng.random(n) < np.array([0.01, 0.10, 0.45, 0.80])[tier]
    notified_early = rng.random(n) < practice["health_visitor_notified_before_birth"]
    notified = np.where(
        notified_early,
        booking + ((edd - booking) * rng.random(n)).astype(np.int64),
        np.where(rng.random(n) < 0.7, edd + rng.integers(1, 40, n), NAT),
    )
    mother = pop.hh_mother[pop.hh[sel]]
    return pd.DataFrame(
        {
            "booking_id": id_base + np.arange(n, dtype=np.int64) + 8_000_000,
            "person": mother,
            "booking_date": booking,
            "expected_delivery_date": edd,
            "safeguarding_concern": concern,
            "health_visitor_notified_date": np.where(
                concern, notified, np.where(rng.random(n) < 0.5, notified, NAT)
            ),
            "_visible": booking,
            "_until": edd,
        }
    )


def _child_records(rng, pop, csc, practice):
    """GP from birth, health visiting to age 5, school nursing from 5. The safeguarding flag
    appears once a CP plan starts, when the service hears of it."""
    children = pop.children
    birth = pop.birth[children]
    first_cp = csc.cp.groupby("person")["start_date"].min()
    flag_from = np.full(len(pop.birth), FOREVER)
    flagged = rng.random(len(first_cp)) < 0.75
    flag_from[first_cp.index.to_numpy()[flagged]] = first_cp.to_numpy()[flagged] + 14
    parts = []
    for service, opened, closed in (
        (2, birth + 10, birth + int(18 * YEAR)),
        (0, birth + 10, birth + int(5 * YEAR)),
        (1, birth + int(5 * YEAR), birth + int(18 * YEAR)),
    ):
        n = len(children)
        parts.append(
            pd.DataFrame(
                {
                    "person": children,
                    "service": np.full(n, service),
                    "record_opened_date": opened,
                    "significant_adults_recorded": rng.random(n)
                    < practice["health_significant_adults_recorded"],
                    "_flag_from": flag_from[children],
                    "_visible": opened,
                    "_until": closed,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _adult_episodes(rng, pop, timeline, id_base):
    adults = np.flatnonzero(pop.role != CHILD)
    hh = pop.hh[adults]
    mh = pop.hh_factor["mental_health"][hh]
    sm = pop.hh_factor["substance_misuse"][hh]
    parts = []
    for service, has in (
        (0, mh & ((pop.role[adults] == MOTHER) | (rng.random(len(adults)) < 0.3))),
        (1, sm & ((pop.role[adults] == PARTNER) | (rng.random(len(adults)) < 0.4))),
    ):
        who = adults[has]
        count = rng.integers(1, 3, len(who))
        person = np.repeat(who, count)
        n = len(person)
        start = rng.integers(timeline.start, timeline.last, n)
        end = start + np.exp(rng.normal(np.log(240), 0.7, n)).astype(np.int64)
        parts.append(
            pd.DataFrame(
                {
                    "person": person,
                    "service": np.full(n, service),
                    "start_date": start,
                    "end_date": end,
                    "child_risk_reviewed": rng.random(n) < 0.6,
                }
            )
        )
    episodes = pd.concat(parts, ignore_index=True).sort_values(
        ["start_date", "person"], kind="stable"
    )
    episodes.insert(0, "episode_id", id_base + np.arange(len(episodes), dtype=np.int64) + 6_000_000)
    episodes["_visible"] = episodes["start_date"]
    episodes["_until"] = episodes["end_date"]
    return episodes.reset_index(drop=True)
