"""``neglect-warehouse generate``: a synthetic partnership's raw agency extracts, reference
files and ground truth.

Output folder layout::

    <out>/raw/<agency>/<agency>__<entity>__<YYYYMMDD>.csv   raw extracts: names, dates of birth,
                                                            NHS numbers, addresses, free text
    <out>/reference/localities.csv, population.csv          partnership reference files
    <out>/truth/person_links.csv                             which agency records are one person
    <out>/truth/defects.csv                                  every injected defect
    <out>/truth/deliveries.csv                               arrival date and delivery defects

The same seed and settings give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from neglect_synthetic.generator.defects import Defect, consistency_breaches, row_defects
from neglect_synthetic.generator.population import (
    CHILD,
    MOTHER,
    NhsNumberPool,
    households_for,
    word_list,
)
from neglect_synthetic.generator.profile_settings import Settings
from neglect_synthetic.generator.snapshot import ID_PREFIX, cut, keep_referenced_persons
from neglect_synthetic.generator.timeline import YEAR, Timeline, month_ends, to_date, to_day
from neglect_synthetic.generator.world import agency_person_id, simulate_world
from neglect_synthetic.generator.writer import CsvParts, write_small_csv
from neglect_warehouse.shared.contract import AGENCIES

ROLE = {CHILD: "child", MOTHER: "mother", 2: "partner"}


@dataclass(frozen=True)
class Delivery:
    agency: str
    extract_date: dt.date
    arrival_date: dt.date
    late: bool
    schema_drift: bool

    @property
    def stamp(self) -> str:
        return self.extract_date.strftime("%Y%m%d")


@dataclass(frozen=True)
class Generated:
    out_dir: Path
    deliveries: tuple[Delivery, ...]
    rows: dict[str, int]  # raw file name -> data rows

    def raw_dir(self) -> Path:
        return self.out_dir / "raw"


def prefix_of(agency: str, column: str) -> str:
    return ID_PREFIX.get((agency, column), "")


def _deliveries(settings: Settings, seed: int, dates: list[dt.date]) -> tuple[Delivery, ...]:
    rng = np.random.default_rng([seed, 424242])
    out = []
    for date in dates:
        for agency in AGENCIES:
            late = rng.random() < settings.defects["late_delivery"]
            lag = int(rng.integers(20, 46) if late else rng.integers(2, 11))
            drift = bool(rng.random() < settings.defects["schema_drift_delivery"])
            out.append(Delivery(agency, date, date + dt.timedelta(days=lag), bool(late), drift))
    return tuple(out)


def generate(
    settings: Settings,
    seed: int,
    extract_date: dt.date,
    deliveries: int,
    out_dir: Path,
    progress: Callable[[str, int, int], None] | None = None,
) -> Generated:
    import duckdb

    dates = month_ends(extract_date, deliveries)
    timeline = Timeline.build(dates, settings.history_years, settings.warmup_years)
    total_households = households_for(settings.children, timeline)
    chunks = max(1, math.ceil(settings.children / settings.chunk_children))
    sizes = [total_households // chunks + (i < total_households % chunks) for i in range(chunks)]
    nhs_pool = NhsNumberPool(seed)
    years = list(range(to_date(timeline.first_window).year, dates[-1].year + 1))
    population = np.zeros((len(years), settings.localities, 18), dtype=np.int64)
    links: list[pd.DataFrame] = []
    defects: list[Defect] = []

    out_dir.mkdir(parents=True, exist_ok=True)
    raw = out_dir / "raw"
    con = duckdb.connect()
    con.execute("set preserve_insertion_order = true")
    steps = chunks * len(dates) * len(AGENCIES)
    done = 0
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".parts-") as work:
        parts = CsvParts(con, Path(work))
        hh_offset = person_offset = 0
        for chunk, size in enumerate(sizes):
            world = simulate_world(
                settings, seed, chunk, size, hh_offset, person_offset, timeline, nhs_pool
            )
            hh_offset += size
            person_offset += len(world.pop.birth)
            _count_population(world.pop, years, population)
            for day in timeline.extract_days:
                stamp = to_date(day).strftime("%Y%m%d")
                for agency in AGENCIES:
                    frames = cut(world, agency, day, timeline, settings.localities)
                    rng = np.random.default_rng([seed, chunk, day, AGENCIES.index(agency)])
                    defects.extend(
                        consistency_breaches(
                            rng,
                            agency,
                            frames,
                            day,
                            settings.defects["consistency_breach"],
                            prefix_of,
                        )
                    )
                    keep_referenced_persons(frames)
                    links.append(_links(world, agency, frames["persons"]))
                    for name, frame in frames.items():
                        target = raw / agency / f"{agency}__{name}__{stamp}.csv"
                        table = parts.stage(agency, name, frame, target)
                        defects.extend(
                            row_defects(
                                rng,
                                con,
                                table,
                                agency,
                                name,
                                settings.defects,
                                to_date(day).isoformat(),
                            )
                        )
                        parts.flush(table, target)
                    done += 1
                    if progress:
                        progress("simulating and writing raw extracts", done, steps)
            del world
        rows = parts.finish()

    delivered = _deliveries(settings, seed, dates)
    _write_reference(out_dir / "reference", settings, years, population)
    _write_truth(out_dir / "truth", links, defects, delivered)
    return Generated(out_dir, delivered, {p.name: n for p, n in rows.items()})


def _count_population(pop, years, population) -> None:
    children = pop.children
    locality = pop.hh_locality[pop.hh[children]]
    for i, year in enumerate(years):
        mid = to_day(dt.date(year, 6, 30))
        age = np.floor((mid - pop.birth[children]) / YEAR).astype(np.int64)
        ok = (age >= 0) & (age <= 17)
        np.add.at(population[i], (locality[ok], age[ok]), 1)


def _links(world, agency: str, persons: pd.DataFrame) -> pd.DataFrame:
    pop = world.pop
    # invert the agency id bijection for these persons via the chunk's people
    ids = agency_person_id(agency, pop.person_global)
    order = np.argsort(ids)
    person = order[np.searchsorted(ids[order], persons["person_id"].to_numpy())]
    canonical = np.array(word_list("surnames"), dtype=object)[pop.surname[person]]
    return pd.DataFrame(
        {
            "agency": agency,
            "person_id": prefix_of(agency, "person_id") + persons["person_id"].astype(str),
            "true_person_id": pd.Series(pop.person_global[person]).map("TP{:09d}".format),
            "household": pd.Series(pop.hh_global[pop.hh[person]]).map("HH{:08d}".format),
            "role": pd.Series(pop.role[person]).map(ROLE),
            "nhs_number_held": np.where(persons["nhs_number"].notna(), "Y", "N"),
            "name_variant": np.where(persons["surname"].to_numpy() != canonical, "Y", "N"),
        }
    )


def _write_reference(folder: Path, settings: Settings, years, population) -> None:
    places = word_list("places")
    names = [
        places[i % len(places)] + ("" if i < len(places) else f" {i // len(places) + 1}")
        for i in range(settings.localities)
    ]
    write_small_csv(
        folder / "localities.csv",
        pd.DataFrame(
            {
                "locality_code": [f"L{i + 1:02d}" for i in range(settings.localities)],
                "locality_name": [n.title() for n in names],
            }
        ),
    )
    y, loc, age = np.meshgrid(
        np.arange(len(years)), np.arange(settings.localities), np.arange(18), indexing="ij"
    )
    write_small_csv(
        folder / "population.csv",
        pd.DataFrame(
            {
                "mid_year": np.array(years)[y.ravel()],
                "locality_code": [f"L{i + 1:02d}" for i in loc.ravel()],
                "age": age.ravel(),
                "population": population.ravel(),
            }
        ),
    )


def _write_truth(folder: Path, links, defects, deliveries) -> None:
    person_links = (
        pd.concat(links, ignore_index=True)
        .drop_duplicates(["agency", "person_id"])
        .sort_values(["agency", "person_id"], kind="stable")
    )
    write_small_csv(folder / "person_links.csv", person_links)
    write_small_csv(
        folder / "defects.csv",
        pd.DataFrame(
            [d.__dict__ for d in defects],
            columns=["extract_date", "agency", "entity", "record_id", "defect", "detail"],
        ),
    )
    write_small_csv(
        folder / "deliveries.csv",
        pd.DataFrame(
            [
                {
                    "agency": d.agency,
                    "extract_date": d.extract_date.isoformat(),
                    "arrival_date": d.arrival_date.isoformat(),
                    "late": "Y" if d.late else "N",
                    "schema_drift": "Y" if d.schema_drift else "N",
                }
                for d in deliveries
            ]
        ),
    )
