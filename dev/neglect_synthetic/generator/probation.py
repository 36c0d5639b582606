"""Probation service and youth justice: cases of adults who live with children (and of
young people), safeguarding checks with children's social care, and home visits.

Checks often wait days for an answer (``practice``). Cases starting before the probation
service was unified (26 June 2021) are NPS or CRC cases; later ones are PS."""

from __future__ import annotations

import numpy as np
import pandas as pd

from neglect_synthetic.generator.population import CHILD, Population
from neglect_synthetic.generator.timeline import NAT, YEAR, Timeline, to_day

UNIFICATION = to_day("2021-06-26")
PROVIDER = ["PS", "NPS", "CRC", "YJS"]
STAGE = ["PRE_SENTENCE", "CASE_START", "REVIEW"]


def _add_working_days(start: np.ndarray, wd: np.ndarray) -> np.ndarray:
    return np.busday_offset(start.astype("datetime64[D]"), wd, roll="forward").astype(np.int64)


def simulate_probation(
    rng, pop: Population, timeline: Timeline, model: dict, practice: dict, id_base: int
) -> dict[str, pd.DataFrame]:
    adults = np.flatnonzero(pop.role != CHILD)
    supervised = adults[
        pop.hh_factor["probation"][pop.hh[adults]]
        & ((pop.role[adults] != CHILD) & (rng.random(len(adults)) < 0.8))
    ]
    count = rng.poisson(model["probation_cases_per_adult"], len(supervised))
    person = np.repeat(supervised, count)
    # Young people: youth justice cases for teenagers of the most troubled households.
    children = pop.children
    teen_from = np.maximum(pop.birth[children] + int(10 * YEAR), timeline.start)
    teen_to = np.minimum(pop.birth[children] + int(18 * YEAR), timeline.last)
    yjs = children[
        (pop.hh_tier[pop.hh[children]] == 3)
        & (teen_to > teen_from + 30)
        & (rng.random(len(children)) < model["yjs_share_of_tier3_teenagers"])
    ]
    n_adult = len(person)
    person = np.concatenate([person, yjs])
    n = len(person)
    lo = np.concatenate(
        [
            np.full(n_adult, timeline.start),
            np.maximum(pop.birth[yjs] + int(10 * YEAR), timeline.start),
        ]
    )
    hi = np.concatenate(
        [
            np.full(n_adult, timeline.last),
            np.minimum(pop.birth[yjs] + int(18 * YEAR), timeline.last),
        ]
    )
    start = lo + (rng.random(n) * (hi - lo)).astype(np.int64)
    end = start + np.exp(rng.normal(np.log(365), 0.5, n)).astype(np.int64)
    is_yjs = np.arange(n) >= n_adult
    provider = np.where(
        is_yjs, 3, np.where(start >= UNIFICATION, 0, np.where(rng.random(n) < 0.4, 1, 2))
    )
    children_in_household = np.where(
        is_yjs,
        rng.choice([0, 1, 2], n, p=[0.7, 0.2, 0.1]),
        rng.choice([0, 1, 2], n, p=[0.85, 0.05, 0.10]),
    )
    cases = (
        pd.DataFrame(
            {
                "case_id": id_base + np.arange(n, dtype=np.int64),
                "person": person,
                "provider": provider,
                "start_date": start,
                "end_date": end,
                "rosh_children": np.where(
                    rng.random(n) < 0.9, rng.choice(4, n, p=[0.4, 0.4, 0.15, 0.05]), -1
                ),
                "children_in_household": children_in_household,
                "_visible": start,
                "_until": end,
            }
        )
        .sort_values(["start_date", "case_id"], kind="stable")
        .reset_index(drop=True)
    )
    cases["case_id"] = id_base + np.arange(n, dtype=np.int64)

    # Checks: pre-sentence (before the case starts), at case start, and yearly reviews.
    case_idx = np.arange(n)
    c_start = cases["start_date"].to_numpy()
    c_end = cases["end_date"].to_numpy()
    pre = case_idx[rng.random(n) < practice["probation_pre_sentence_check"]]
    at_start = case_idx[rng.random(n) < 0.8]
    reviews = case_idx[rng.random(n) < 0.5]
    check_case = np.concatenate([pre, at_start, reviews])
    stage = np.concatenate(
        [np.zeros(len(pre), int), np.ones(len(at_start), int), np.full(len(reviews), 2)]
    )
    m = len(check_case)
    requested = np.concatenate(
        [
            c_start[pre] - rng.integers(5, 40, len(pre)),
            c_start[at_start] + rng.integers(0, 10, len(at_start)),
            c_start[reviews]
            + ((c_end[reviews] - c_start[reviews]) * rng.uniform(0.3, 0.9, len(reviews))).astype(
                np.int64
            ),
        ]
    )
    requested = np.busday_offset(requested.astype("datetime64[D]"), 0, roll="forward").astype(
        np.int64
    )
    quick = rng.random(m) < practice["probation_check_answered_within_5_working_days"]
    never = rng.random(m) < practice["probation_check_never_answered"]
    wd = np.where(quick, rng.integers(0, 6, m), rng.integers(6, 30, m))
    response = np.where(never, NAT, _add_working_days(requested, wd))
    order = np.lexsort((check_case, requested))
    checks = pd.DataFrame(
        {
            "check_id": id_base + np.arange(m, dtype=np.int64) + 3_000_000,
            "case_id": cases["case_id"].to_numpy()[check_case[order]],
            "stage": stage[order],
            "requested_date": requested[order],
            "response_date": response[order],
            "csc_known": rng.choice([0, 1, 2], m, p=[0.45, 0.4, 0.15]),
            "_visible": requested[order],
            "_until": requested[order],
        }
    )

    visits_n = rng.poisson(2.0, n)
    v_case = np.repeat(case_idx, visits_n)
    k = len(v_case)
    v_day = c_start[v_case] + ((c_end[v_case] - c_start[v_case]) * rng.random(k)).astype(np.int64)
    neglect = pop.hh_factor["neglect"][pop.hh[cases["person"].to_numpy()[v_case]]]
    concern = rng.random(k) < np.where(neglect, 0.2, 0.03)
    order = np.argsort(v_day, kind="stable")
    visits = pd.DataFrame(
        {
            "visit_id": id_base + np.arange(k, dtype=np.int64) + 6_000_000,
            "case_id": cases["case_id"].to_numpy()[v_case[order]],
            "visit_date": v_day[order],
            "neglect_concern": concern[order],
            "referred_to_csc": (concern & (rng.random(k) < 0.4))[order],
            "_visible": v_day[order],
            "_until": v_day[order],
        }
    )
    return {"cases": cases, "safeguarding_checks": checks, "home_visits": visits}
