"""Life cycle per SKU: launch, growth, mature or decline, from a robust trend of its weekly
sales against its own history."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd

STAGES = {
    "launch": ("导入期", "launch"),
    "growth": ("成长期", "growth"),
    "mature": ("成熟期", "mature"),
    "decline": ("衰退期", "decline"),
}

#: What to try on a fading item, in the order an operator usually tries it.
FADING_TACTICS = (
    "换标题关键词和主图，重新测试点击率；价格回到竞品区间；和热销款做搭配套餐",
    "refresh the title keywords and main image and retest click-through; bring the price "
    "back into the competitor band; bundle it with a best seller",
)


def theil_sen_slope(y: np.ndarray) -> np.ndarray:
    """Median of pairwise slopes of each row of ``y`` (rows = items, columns = equally spaced
    weeks); NaN values are skipped pairwise. Robust to a single spike or gap week."""
    n = y.shape[1]
    pairs = list(itertools.combinations(range(n), 2))
    if not pairs:
        return np.full(y.shape[0], np.nan)
    i, j = np.array(pairs).T
    slopes = (y[:, j] - y[:, i]) / (j - i)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(slopes, axis=1)


def life_cycle(
    rate: pd.DataFrame,
    *,
    age_weeks: pd.Series,
    trend_weeks: int = 8,
    launch_weeks: int = 8,
    slope: float = 0.05,
) -> pd.DataFrame:
    """Stage of each item from its weekly sales rates.

    With ``r_w`` the item's mean daily units in week ``w`` (promo days left out) and ``b`` the
    Theil-Sen slope of ``log(1 + r_w)`` over the last ``trend_weeks`` weeks, the weekly trend
    is ``trend = exp(b) - 1``; ``level`` = mean rate of the last 4 weeks / the highest 4-week
    mean rate in the item's history (1 = at its peak).

    * ``launch``: younger than ``launch_weeks`` weeks (``age_weeks``);
    * ``growth``: ``trend >= slope``;
    * ``decline``: ``trend <= -slope`` while ``level < 0.8`` (below its best), or
      ``level < 0.5`` with ``trend <= -slope / 2``;
    * ``mature``: otherwise.

    Parameters
    ----------
    rate : weekly rates, weeks (oldest first) x SKUs (:func:`sales.weekly_rate`).
    age_weeks : weeks since launch (or first sale) per SKU.

    Returns
    -------
    DataFrame ``sku_id, stage, trend, level, recent_rate, peak_rate``.
    """
    recent = rate.iloc[-trend_weeks:].to_numpy(dtype="float64").T
    b = theil_sen_slope(np.log1p(recent))
    trend = np.expm1(b)
    four = rate.rolling(4, min_periods=2).mean()
    peak = four.max()
    now = rate.iloc[-4:].mean()
    level = now / peak.where(peak > 0)
    age = age_weeks.reindex(rate.columns).to_numpy(dtype="float64")
    stage = np.where(
        age < launch_weeks,
        "launch",
        np.where(
            trend >= slope,
            "growth",
            np.where(
                ((trend <= -slope) & (level < 0.8)) | ((level < 0.5) & (trend <= -slope / 2)),
                "decline",
                "mature",
            ),
        ),
    )
    return pd.DataFrame(
        {
            "sku_id": rate.columns,
            "stage": stage,
            "trend": trend,
            "level": level.to_numpy(),
            "recent_rate": now.to_numpy(),
            "peak_rate": peak.to_numpy(),
        }
    ).reset_index(drop=True)


def entering_decline(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Items in decline now that were not in decline in ``before`` (same columns)."""
    m = now.merge(before[["sku_id", "stage"]], on="sku_id", suffixes=("", "_before"))
    return m.loc[(m["stage"] == "decline") & (m["stage_before"] != "decline")].reset_index(
        drop=True
    )
