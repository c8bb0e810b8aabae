"""Promotion mechanics compared, and the discount what-if.

Both are *observational*: events differ in more than their mechanic or depth (a 双11 brings
platform traffic no shop event has), so the comparison says what went together, not what
caused what.

Mechanics: per mechanic (满减, 限时折扣, 赠品, 免运费, 秒杀, 会员专享 ...), the number of
evaluated events, their mean burst uplift, mean incremental GMV, mean margin in the window
and its gap to the baseline margin (percentage points), and mean ROI.

What-if: a constant-elasticity fit over past events of the burst volume multiplier
``m = 1 + uplift(units)`` on the discount depth ``d``::

    log m = a + e x (-log(1 - d))          (OLS; e is the discount elasticity of volume)

then for a depth ``d``, with the ordinary-day price per unit ``p`` and unit cost ``c``::

    units index        = m(d)                          (ordinary day = 1)
    GMV index          = m(d) x (1 - d)
    gross profit index = m(d) x (p (1 - d) - c) / (p - c)

so the depth where gross profit peaks, and where it falls below an ordinary day, shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from helpers.promotion_calendar.evaluation import Evaluation

MIN_EVENTS = 3


def compare_mechanics(gmv: Evaluation, economics: pd.DataFrame) -> pd.DataFrame:
    """Per mechanic: ``mechanic, events, burst_uplift, incremental_gmv, margin,
    margin_gap_pp, roi`` (means over events)."""
    burst = gmv.phases[gmv.phases["phase"] == "burst"][["promo_id", "mechanic", "uplift"]]
    total = gmv.phases[gmv.phases["phase"] == "total"][["promo_id", "incremental"]]
    df = burst.merge(total, on="promo_id")
    if not economics.empty:
        econ = economics[["promo_id", "margin", "baseline_margin", "roi"]]
        df = df.merge(econ, on="promo_id", how="left")
    else:
        df = df.assign(margin=np.nan, baseline_margin=np.nan, roi=np.nan)
    df["mechanic"] = df["mechanic"].fillna("未注明")
    df["gap"] = (df["margin"] - df["baseline_margin"]) * 100
    out = df.groupby("mechanic").agg(
        events=("promo_id", "count"),
        burst_uplift=("uplift", "mean"),
        incremental_gmv=("incremental", "mean"),
        margin=("margin", "mean"),
        margin_gap_pp=("gap", "mean"),
        roi=("roi", "mean"),
    )
    return out.reset_index().sort_values("burst_uplift", ascending=False).reset_index(drop=True)


@dataclass(frozen=True)
class Elasticity:
    """The fitted volume response to discount depth.

    Attributes
    ----------
    intercept : float
        ``a``: log volume multiplier of an event at zero discount (festival traffic).
    elasticity : float
        ``e``: d log(volume) / d(-log(1 - depth)).
    events : int
        Events the fit used.
    price, unit_cost : float
        Ordinary-day revenue and cost per unit (currency).
    """

    intercept: float
    elasticity: float
    events: int
    price: float
    unit_cost: float
    max_depth: float = 0.5


def fit_elasticity(units: Evaluation, price: float, unit_cost: float) -> Elasticity | None:
    """OLS of log(1 + burst uplift in units) on -log(1 - discount_rate) over past events;
    None with fewer than :data:`MIN_EVENTS` events or a single depth."""
    b = units.phases[units.phases["phase"] == "burst"].dropna(subset=["discount_rate", "uplift"])
    b = b[(b["uplift"] > -1) & (b["discount_rate"] < 1)]
    if len(b) < MIN_EVENTS or b["discount_rate"].nunique() < 2:
        return None
    x = sm.add_constant(-np.log1p(-b["discount_rate"].to_numpy(dtype=float)))
    fit = sm.OLS(np.log1p(b["uplift"].to_numpy(dtype=float)), x).fit()
    top = float(b["discount_rate"].max())
    return Elasticity(float(fit.params[0]), float(fit.params[1]), len(b), price, unit_cost, top)


def what_if(el: Elasticity, depths: Sequence[float] | np.ndarray | None = None) -> pd.DataFrame:
    """``depth, units_index, gmv_index, gross_profit_index`` for discount depths; indices are
    relative to an ordinary day at full price. The default depths run from 0 by 2.5 points to
    5 points past the deepest discount seen (the fit says nothing beyond what was tried)."""
    if depths is None:
        depths = np.arange(0.0, min(el.max_depth + 0.05, 0.9) + 1e-9, 0.025)
    d = np.round(np.asarray(depths, dtype=float), 3)
    m = np.exp(el.intercept + el.elasticity * -np.log1p(-d))
    unit_margin = el.price - el.unit_cost
    gp = m * (el.price * (1 - d) - el.unit_cost) / unit_margin if unit_margin > 0 else np.nan
    return pd.DataFrame(
        {"depth": d, "units_index": m, "gmv_index": m * (1 - d), "gross_profit_index": gp}
    )


def unit_economics(margins: pd.DataFrame, ordinary: pd.Series) -> tuple[float, float]:
    """(revenue per unit, cost per unit) over the ordinary days' costed lines (currency);
    (nan, nan) without any."""
    m = margins[margins["date"].isin(ordinary[ordinary].index)]
    n = m["costed_units"].sum() if not m.empty else 0
    if n <= 0:
        return np.nan, np.nan
    return float(m["costed_gmv"].sum() / n), float(m["cost"].sum() / n)
