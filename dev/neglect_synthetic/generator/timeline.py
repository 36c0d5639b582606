"""Days as integers: the generator works in whole days since 1970-01-01 (int64) and minutes
for date-times, so that every date computation is a vectorised integer operation. A missing
date is NAT, numpy's own not-a-time value, so ``array.view("datetime64[D]")`` shows it as NaT."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

NAT = np.iinfo(np.int64).min
YEAR = 365.25
_EPOCH = dt.date(1970, 1, 1)


def to_day(value: dt.date | str) -> int:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return (value - _EPOCH).days


def to_date(day: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(day))


def month_ends(last: dt.date, count: int) -> list[dt.date]:
    """``count`` consecutive month ends, the newest being the month end on or before ``last``."""
    first_of_next = dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    end = first_of_next - dt.timedelta(days=1)
    if end > last:
        end = dt.date(last.year, last.month, 1) - dt.timedelta(days=1)
    ends = [end]
    while len(ends) < count:
        ends.append(dt.date(ends[-1].year, ends[-1].month, 1) - dt.timedelta(days=1))
    return sorted(ends)


def years_before(day: int, years: int) -> int:
    date = to_date(day)
    try:
        return to_day(date.replace(year=date.year - years))
    except ValueError:  # 29 February
        return to_day(date.replace(year=date.year - years, day=28))


@dataclass(frozen=True)
class Timeline:
    """The simulated period: from ``start`` (history and warm-up before the first extract) to
    the last extract date; births are simulated up to nine months beyond it (unborn children)."""

    extract_days: tuple[int, ...]
    start: int
    history_years: int

    @property
    def last(self) -> int:
        return self.extract_days[-1]

    @classmethod
    def build(cls, extract_dates: list[dt.date], history_years: int, warmup_years: int):
        days = tuple(to_day(d) for d in extract_dates)
        return cls(days, years_before(days[0], history_years + warmup_years), history_years)

    @property
    def first_window(self) -> int:
        """Start of the first delivery's history: events before it are never delivered."""
        return self.window_start(self.extract_days[0])

    def window_start(self, extract_day: int) -> int:
        """First day a record must reach to be in a delivery made on ``extract_day``."""
        return years_before(extract_day, self.history_years)


def where(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` where ``mask``, else NAT."""
    return np.where(mask, values, NAT)


def poisson_events(
    rng: np.random.Generator,
    who: np.ndarray,
    start: np.ndarray | int,
    stop: np.ndarray | int,
    per_year: np.ndarray | float,
) -> tuple[np.ndarray, np.ndarray]:
    """Events at ``per_year`` for each of ``who`` between its ``start`` and ``stop`` days,
    placed uniformly: returns (who of each event, day of each event)."""
    start = np.broadcast_to(np.asarray(start, dtype=np.int64), who.shape)
    exposure = np.maximum(np.asarray(stop, dtype=np.int64) - start, 0)
    exposure = np.broadcast_to(exposure, who.shape)
    count = rng.poisson(np.asarray(per_year) * exposure / YEAR)
    owner = np.repeat(who, count)
    day = np.repeat(start, count) + (rng.random(len(owner)) * np.repeat(exposure, count)).astype(
        np.int64
    )
    return owner, day
