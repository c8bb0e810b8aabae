"""The frame every generator shares: seed, dates, catalogue, calendar and planted facts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from helpers.sample.catalog import catalog
from helpers.sample.days import day_drivers, promotions
from helpers.sample.draws import stream
from helpers.sample.planted import planted_problems
from helpers.sample.profile import CHANNELS, ONE_DAY

#: nanoseconds per second, the unit of every timestamp array in the generators
SEC = np.int64(1_000_000_000)
#: the missing timestamp (NaT) as int64 nanoseconds
NAT = np.iinfo(np.int64).min


@dataclass(frozen=True)
class Shop:
    """What every table generator reads.

    Attributes
    ----------
    seed : generator seed.
    end : last day of data (E), midnight.
    dates : the days of orders, ``days`` of them ending on ``end``.
    scale : order-volume multiplier.
    cat : catalogue with private columns (see :func:`helpers.sample.catalog.catalog`).
    promos : the promotions table.
    days : per-day drivers (see :func:`helpers.sample.days.day_drivers`).
    plan : the planted problems (see :func:`helpers.sample.planted.planted_problems`).
    """

    seed: int
    end: pd.Timestamp
    dates: pd.DatetimeIndex
    scale: float
    cat: pd.DataFrame
    promos: pd.DataFrame
    days: pd.DataFrame
    plan: dict[str, Any]

    @classmethod
    def create(cls, seed: int, end: pd.Timestamp, days: int, scale: float) -> Shop:
        """Check the options and build the frame for ``days`` days ending on ``end``."""
        if days < 30:
            raise ValueError("days must be at least 30")
        if scale <= 0:
            raise ValueError("scale must be positive")
        dates = pd.date_range(end - (days - 1) * ONE_DAY, end, freq="D")
        promos = promotions(dates[0], end)
        return cls(
            seed=seed,
            end=end,
            dates=dates,
            scale=scale,
            cat=catalog(seed, end),
            promos=promos,
            days=day_drivers(dates, end, promos),
            plan=planted_problems(end, seed=seed),
        )

    def rng(self, number: int) -> np.random.Generator:
        """The random stream ``number`` (see :func:`helpers.sample.draws.stream`)."""
        return stream(self.seed, number)

    @property
    def nd(self) -> int:
        """Number of days."""
        return len(self.dates)

    @property
    def nsku(self) -> int:
        """Number of SKUs."""
        return len(self.cat)

    @property
    def live(self) -> int:
        """Index of the 直播 channel."""
        return CHANNELS.index("直播")

    @property
    def paid_channel(self) -> int:
        """Index of the 付费推广 channel."""
        return CHANNELS.index("付费推广")

    @property
    def cutoff_ns(self) -> np.int64:
        """The end of E (midnight after it) in int64 ns: nothing happens at or after it."""
        return np.datetime64(self.end + ONE_DAY, "ns").astype(np.int64)

    @cached_property
    def day_ns(self) -> np.ndarray:
        """Midnight of every day in int64 ns."""
        return self.dates.to_numpy().astype("datetime64[ns]").astype(np.int64)

    @cached_property
    def sku_index(self) -> dict[str, int]:
        """Row of every SKU id in the catalogue."""
        return {s: i for i, s in enumerate(self.cat["sku_id"])}

    @cached_property
    def launch_day(self) -> np.ndarray:
        """Day index (from ``dates[0]``, may be negative) on which each SKU launches."""
        launch = self.cat["launch_date"].to_numpy() - self.dates[0].to_datetime64()
        return (launch // ONE_DAY).astype(np.int64)

    def day_of(self, ts: pd.Timestamp) -> int:
        """Index of day ``ts`` (from ``dates[0]``)."""
        return int((ts - self.dates[0]).days)

    def stocked_out(self, sku: np.ndarray, day: np.ndarray) -> np.ndarray:
        """True where SKU row ``sku`` is in one of the planted past stock-outs on ``day``."""
        out = np.zeros(len(sku), dtype=bool)
        for so in self.plan["stockouts"]["items"]:
            s = self.sku_index[so["sku_id"]]
            out |= (sku == s) & (day >= self.day_of(so["start"])) & (day <= self.day_of(so["end"]))
        return out
