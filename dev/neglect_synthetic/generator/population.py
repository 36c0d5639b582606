"""Households and the people in them: the true identities every agency's records refer to.

A household has a mother, often a partner, and one to five children born over the simulated
period, an address (UPRN, street, postcode) in one locality, and a risk tier with parental
factors (neglect, domestic abuse, mental health, substance misuse, an adult under probation
supervision). Agencies later see these people through their own, imperfect records.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from neglect_synthetic.generator.timeline import YEAR, Timeline
from neglect_warehouse.shared.nhs_number import valid_numbers_with_prefix

CHILD, MOTHER, PARTNER = 0, 1, 2
FACTORS = ("neglect", "domestic_abuse", "mental_health", "substance_misuse", "probation")
ETHNICITY = [
    "WBRI",
    "WIRI",
    "WIRT",
    "WOTH",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "REFU",
    "NOBT",
]
_ETHNICITY_SHARE = np.array(
    [70, 0.5, 0.1, 6, 0.3, 1.5, 0.8, 1.2, 1.2, 2.5, 3, 1, 1.4, 0.8, 3, 0.5, 0.6, 1.8, 0.3, 3.5]
)
SEX = ["M", "F", "U"]


@cache
def word_list(name: str) -> tuple[str, ...]:
    text = resources.files("neglect_synthetic.generator").joinpath(f"data/{name}.txt").read_text()
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class NhsNumberPool:
    """Unique, valid synthetic NHS numbers, drawn without replacement from the 999 test range
    (909,091 valid numbers); only a region-sized partnership needs more, and it continues into
    998, 997, … which are outside every range ever issued (docs/synthetic-data.md)."""

    def __init__(self, seed: int):
        self._rng = np.random.default_rng([seed, 999])
        self._prefix = 999
        self._numbers = self._rng.permutation(valid_numbers_with_prefix(str(self._prefix)))
        self._next = 0

    def take(self, count: int) -> np.ndarray:
        parts = []
        while count:
            if self._next == len(self._numbers):
                self._prefix -= 1
                numbers = valid_numbers_with_prefix(str(self._prefix))
                self._numbers = self._rng.permutation(numbers)
                self._next = 0
            n = min(count, len(self._numbers) - self._next)
            parts.append(self._numbers[self._next : self._next + n])
            self._next += n
            count -= n
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


@dataclass
class Population:
    """Struct of arrays. Households are indexed 0..H-1 within the chunk, people 0..P-1."""

    # households
    hh_global: np.ndarray
    hh_locality: np.ndarray
    hh_uprn: np.ndarray
    hh_street: np.ndarray
    hh_house_number: np.ndarray
    hh_postcode_inward: np.ndarray
    hh_tier: np.ndarray
    hh_factor: dict[str, np.ndarray]
    hh_mother: np.ndarray  # person index
    hh_partner: np.ndarray  # person index or -1
    # people
    person_global: np.ndarray
    hh: np.ndarray
    role: np.ndarray
    sex: np.ndarray  # index into SEX
    birth: np.ndarray  # day
    surname: np.ndarray  # index into word_list("surnames")
    forename: np.ndarray  # index into the forename list of the person's sex
    ethnicity: np.ndarray
    nhs_number: np.ndarray
    disabled: np.ndarray

    @property
    def children(self) -> np.ndarray:
        return np.flatnonzero(self.role == CHILD)

    def age_years(self, person: np.ndarray, day: np.ndarray | int) -> np.ndarray:
        """Completed years from the person's birth day (close enough for simulation)."""
        return np.floor((np.asarray(day) - self.birth[person]) / YEAR).astype(np.int64)


def locality_weights(localities: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Share of households and a deprivation multiplier per locality, fixed by the seed."""
    rng = np.random.default_rng([seed, 7])
    share = rng.dirichlet(np.full(localities, 8.0))
    deprivation = rng.uniform(0.6, 1.6, localities)
    return share, deprivation


def households_for(children: int, timeline: Timeline) -> int:
    """Households needed for about ``children`` aged 0–17 at the last extract date."""
    span_years = (timeline.last + 270 - (timeline.start - 18 * YEAR)) / YEAR
    per_household = 1.83 * 18 / span_years
    return max(1, round(children / per_household))


def simulate_population(
    rng: np.random.Generator,
    households: int,
    hh_offset: int,
    person_offset: int,
    localities: int,
    seed: int,
    model: dict,
    timeline: Timeline,
    nhs_pool: NhsNumberPool,
) -> Population:
    h = households
    share, deprivation = locality_weights(localities, seed)
    locality = rng.choice(localities, size=h, p=share)
    tier_share = np.array(model["tier_share"], dtype=float)
    # Deprived localities carry more of the higher tiers.
    weights = np.tile(tier_share, (h, 1))
    weights[:, 1:] *= deprivation[locality, None]
    weights /= weights.sum(axis=1, keepdims=True)
    tier = (rng.random(h)[:, None] > np.cumsum(weights, axis=1)).sum(axis=1)
    tier = np.minimum(tier, 3)
    factor = {
        name: rng.random(h) < np.array(model["factor_by_tier"][name])[tier] for name in FACTORS
    }

    # Children: the first birth anywhere in the span, siblings 15 months to 4 years apart.
    n_children = 1 + np.minimum(rng.poisson(0.9, h), 4)
    first_birth = rng.integers(int(timeline.start - 18 * YEAR), timeline.last + 270, h)
    child_hh = np.repeat(np.arange(h), n_children)
    order = np.arange(len(child_hh)) - np.repeat(np.cumsum(n_children) - n_children, n_children)
    gaps = rng.integers(450, 1460, len(child_hh)) * (order > 0)
    # cumulative gap within each household
    cum = np.cumsum(gaps)
    cum -= np.repeat(cum[np.cumsum(n_children) - n_children], n_children)
    child_birth = first_birth[child_hh] + cum
    keep = child_birth <= timeline.last + 270
    child_hh, child_birth = child_hh[keep], child_birth[keep]

    mother_birth = first_birth - rng.integers(int(18 * YEAR), int(38 * YEAR), h)
    has_partner = rng.random(h) < 0.6
    partner_hh = np.flatnonzero(has_partner)
    partner_birth = mother_birth[partner_hh] + rng.integers(
        int(-3 * YEAR), int(8 * YEAR), len(partner_hh)
    )

    # People, ordered: mothers, partners, children.
    n_p = h + len(partner_hh) + len(child_hh)
    hh = np.concatenate([np.arange(h), partner_hh, child_hh])
    role = np.concatenate(
        [np.full(h, MOTHER), np.full(len(partner_hh), PARTNER), np.full(len(child_hh), CHILD)]
    )
    birth = np.concatenate([mother_birth, partner_birth, child_birth]).astype(np.int64)
    child_sex = (rng.random(len(child_hh)) < 0.5).astype(np.int64)  # 0 M, 1 F
    child_sex[rng.random(len(child_hh)) < 0.002] = 2
    sex = np.concatenate([np.full(h, 1), np.full(len(partner_hh), 0), child_sex])

    surnames = len(word_list("surnames"))
    hh_surname = rng.integers(0, surnames, h)
    partner_surname = np.where(
        rng.random(len(partner_hh)) < 0.6,
        hh_surname[partner_hh],
        rng.integers(0, surnames, len(partner_hh)),
    )
    partner_of_hh = np.full(h, -1)
    partner_of_hh[partner_hh] = np.arange(len(partner_hh))
    takes_partner = (partner_of_hh[child_hh] >= 0) & (rng.random(len(child_hh)) < 0.3)
    child_surname = np.where(
        takes_partner, partner_surname[np.maximum(partner_of_hh[child_hh], 0)], hh_surname[child_hh]
    )
    surname = np.concatenate([hh_surname, partner_surname, child_surname])
    n_f, n_m = len(word_list("forenames_f")), len(word_list("forenames_m"))
    forename = np.where(sex == 1, rng.integers(0, n_f, n_p), rng.integers(0, n_m, n_p))

    ethnic_share = _ETHNICITY_SHARE / _ETHNICITY_SHARE.sum()
    hh_ethnicity = rng.choice(len(ETHNICITY), size=h, p=ethnic_share)
    ethnicity = hh_ethnicity[hh]
    disabled = rng.random(n_p) < 0.04

    uprn = 100_000_000_000 + hh_offset + np.arange(h, dtype=np.int64)
    street = rng.integers(0, len(word_list("streets")), h)
    house_number = rng.integers(1, 240, h)
    inward = rng.integers(0, 10 * 20 * 20, h)

    return Population(
        hh_global=hh_offset + np.arange(h, dtype=np.int64),
        hh_locality=locality,
        hh_uprn=uprn,
        hh_street=street,
        hh_house_number=house_number,
        hh_postcode_inward=inward,
        hh_tier=tier,
        hh_factor=factor,
        hh_mother=np.arange(h),
        hh_partner=np.where(has_partner, h + np.cumsum(has_partner) - 1, -1),
        person_global=person_offset + np.arange(n_p, dtype=np.int64),
        hh=hh,
        role=role,
        sex=sex,
        birth=birth,
        surname=surname,
        forename=forename,
        ethnicity=ethnicity,
        nhs_number=nhs_pool.take(n_p),
        disabled=disabled,
    )
