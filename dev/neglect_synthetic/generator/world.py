"""One chunk of the synthetic partnership: its households and everything every agency
recorded about them over the simulated period (before any extract is cut)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from neglect_synthetic.generator.csc import CscRecords, simulate_csc
from neglect_synthetic.generator.health import simulate_health
from neglect_synthetic.generator.police import simulate_police
from neglect_synthetic.generator.population import (
    NhsNumberPool,
    Population,
    simulate_population,
    word_list,
)
from neglect_synthetic.generator.probation import simulate_probation
from neglect_synthetic.generator.profile_settings import Settings
from neglect_synthetic.generator.timeline import Timeline

AGENCY_SALT = {"csc": 1, "police": 2, "health": 3, "probation": 4}


@dataclass
class Recording:
    """How one agency records a person: whether it holds the NHS number, and the surname as
    the agency spelled it (a variant breaks the alternative-token link)."""

    nhs_held: np.ndarray
    surname: np.ndarray  # strings
    birth_known: np.ndarray


@dataclass
class World:
    chunk: int
    pop: Population
    csc: CscRecords
    frames: dict[str, dict[str, pd.DataFrame]]  # agency -> entity -> frame (without persons)
    recording: dict[str, Recording]


def spelling_variant(name: str, draw: float, position: float) -> str:
    """A plausible misspelling that changes the normalised name (so the token differs)."""
    i = int(position * (len(name) - 1))
    if draw < 0.3 and i + 1 < len(name) and name[i] != name[i + 1]:
        out = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    elif draw < 0.55:
        out = name[: i + 1] + name[i] + name[i + 1 :]
    elif draw < 0.8 and len(name) > 3:
        out = name[:i] + name[i + 1 :]
    else:
        vowels = "AEIOUY"
        c = name[i]
        out = name[:i] + (vowels[(vowels.find(c) + 1) % 6] if c in vowels else "E") + name[i + 1 :]
    return out if out != name else name + "E"


def _recording(
    rng, pop: Population, nhs_rate: float, variant_rate: float, birth_missing: float
) -> Recording:
    n = len(pop.birth)
    surnames = np.array(word_list("surnames"), dtype=object)[pop.surname]
    variant = np.flatnonzero(rng.random(n) < variant_rate)
    draws, positions = rng.random(len(variant)), rng.random(len(variant))
    surnames = surnames.copy()
    for k, i in enumerate(variant):
        surnames[i] = spelling_variant(surnames[i], draws[k], positions[k])
    nhs_held = rng.random(n) < nhs_rate
    # A record without a date of birth has no alternative token, so only records that hold
    # an NHS number may lack one (every persons row carries at least one token).
    return Recording(
        nhs_held=nhs_held,
        surname=surnames,
        birth_known=~(nhs_held & (rng.random(n) < birth_missing)),
    )


def simulate_world(
    settings: Settings,
    seed: int,
    chunk: int,
    households: int,
    hh_offset: int,
    person_offset: int,
    timeline: Timeline,
    nhs_pool: NhsNumberPool,
) -> World:
    """Everything for one chunk of households. Each stage has its own random stream, so that
    changing one agency's model does not reshuffle the others."""

    def stream(stage: int) -> np.random.Generator:
        return np.random.default_rng([seed, chunk, stage])

    model, practice = settings.model, settings.practice
    id_base = (chunk + 1) * 10_000_000
    pop = simulate_population(
        stream(1),
        households,
        hh_offset,
        person_offset,
        settings.localities,
        seed,
        model,
        timeline,
        nhs_pool,
    )
    csc = simulate_csc(stream(2), pop, timeline, model, practice, id_base)
    police = simulate_police(stream(3), pop, csc, timeline, model, practice, id_base)
    health = simulate_health(stream(4), pop, csc, timeline, model, practice, id_base)
    probation = simulate_probation(stream(5), pop, timeline, model, practice, id_base)
    rec = stream(6)
    recording = {
        "csc": _recording(rec, pop, practice["csc_nhs_number_held"], 0.0, 0.0),
        "police": _recording(
            rec,
            pop,
            practice["police_nhs_number_held"],
            practice["police_name_spelling_variant"],
            practice["police_birth_month_missing"],
        ),
        "health": _recording(rec, pop, practice["health_nhs_number_held"], 0.0, 0.0),
        "probation": _recording(
            rec,
            pop,
            practice["probation_nhs_number_held"],
            practice["probation_name_spelling_variant"],
            0.0,
        ),
    }
    return World(
        chunk,
        pop,
        csc,
        {"csc": csc.frames, "police": police, "health": health, "probation": probation},
        recording,
    )


def agency_person_id(agency: str, person_global: np.ndarray) -> np.ndarray:
    """Agency-local person numbers: a bijection of the true person number modulo 10⁹, different
    per agency, so that ids never reveal which records are the same person."""
    return (
        np.asarray(person_global, dtype=np.int64) * 7919 + 104729 * AGENCY_SALT[agency]
    ) % 1_000_000_000
