"""Hand-made inputs of the promotion calendar tests: synthetic daily series with known effects
and event rows written by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

START = pd.Timestamp("2025-01-06")  # a Monday
WEEKDAY = np.array([0.95, 0.97, 1.0, 0.98, 0.95, 1.05, 1.10])


def make_event(
    promo_id="e1",
    name="活动",
    warm="2025-05-20",
    start="2025-05-27",
    end=None,
    glow="2025-05-29",
    mechanic="满减",
    rate=0.15,
    kind="shop",
) -> dict:
    return {
        "promo_id": promo_id,
        "name": name,
        "kind": kind,
        "warmup_start": pd.Timestamp(warm) if warm else pd.NaT,
        "start_date": pd.Timestamp(start),
        "end_date": pd.Timestamp(end or start),
        "afterglow_end": pd.Timestamp(glow) if glow else pd.NaT,
        "mechanic": mechanic,
        "discount_rate": rate,
        "source": "shop",
    }


def events_frame(*events: dict) -> pd.DataFrame:
    df = pd.DataFrame(list(events))
    for c in ("warmup_start", "start_date", "end_date", "afterglow_end"):
        df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
    return df


def synthetic_daily(
    effects: dict[str, float] | None = None,
    *,
    event: dict | None = None,
    days: int = 240,
    level: float = 10_000.0,
    noise: float = 0.08,
    seed: int = 3,
    pre_days: int = 7,
    post_days: int = 7,
) -> pd.DataFrame:
    """A facts-like ``daily`` frame: level x weekday x slow growth x lognormal noise, with
    phase multipliers ``effects`` (phase -> factor) applied on the event's phases."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(START, periods=days, freq="D")
    trend = 1 + 0.3 * np.arange(days) / 365
    y = level * WEEKDAY[dates.day_of_week] * trend * np.exp(rng.normal(0, noise, days))
    if event is not None and effects:
        from helpers.promotion_calendar.evaluation import watched_days

        w = watched_days(pd.Series(event), pre_days=pre_days, post_days=post_days)
        mult = w.assign(f=w["phase"].map(effects).fillna(1.0)).set_index("date")["f"]
        y = y * mult.reindex(dates, fill_value=1.0).to_numpy()
    return pd.DataFrame({"date": dates, "gmv": y, "units": y / 100.0})
