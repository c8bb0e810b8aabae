"""Daily demand forecast per key SKU with exponential smoothing (statsmodels) and its
rolling backtest.

Promotion days are handled in two steps: in the history they are replaced by an ordinary
day's value (so a festival spike does not inflate the level nor the weekly pattern), and in
the forecast the ordinary forecast is multiplied by the shop's measured uplift of the
promotion phase (warm-up, burst, after-glow) on the days the calendar marks.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Days of history a forecast is fitted on (the most recent year).
FIT_DAYS = 182
#: A series shorter than this (days) is not forecast.
MIN_DAYS = 28


def phase_uplift(daily: pd.DataFrame, *, end: pd.Timestamp, days: int = 365) -> dict[str, float]:
    """Units on promotion days as a multiple of ordinary days, per phase.

    ``uplift(p) = mean daily units on days of phase p / mean daily units on days without a
    promotion``, both over the ``days`` days ending on ``end`` (``facts.daily`` columns
    ``units`` and ``phase``). Phases without a day in the window are absent.
    """
    d = daily.loc[(daily["date"] > end - pd.Timedelta(days=days)) & (daily["date"] <= end)]
    normal = d.loc[d["phase"].isna(), "units"].mean()
    if not normal or pd.isna(normal):
        return {}
    means = d.loc[d["phase"].notna()].groupby("phase")["units"].mean()
    return {str(p): float(v / normal) for p, v in means.items()}


def clean_promo(y: pd.Series, promo: pd.DatetimeIndex) -> pd.Series:
    """``y`` with promotion days replaced by the median of the same weekday over the four
    weeks before that are not promotion days (the overall ordinary median when none)."""
    out = y.astype("float64").copy()
    is_promo = out.index.isin(promo)
    ordinary = out.where(~is_promo)
    fallback = float(ordinary.median()) if ordinary.notna().any() else 0.0
    same_day = pd.concat([ordinary.shift(7 * k) for k in range(1, 5)], axis=1).median(axis=1)
    out[is_promo] = same_day[is_promo].fillna(fallback)
    return out


def ets_forecast(y: pd.Series, horizon: int) -> pd.Series:
    """Forecast ``horizon`` days after ``y`` (daily, no gaps) with additive exponential
    smoothing, no trend, weekly seasonality (Holt-Winters, statsmodels
    ``ExponentialSmoothing(seasonal="add", seasonal_periods=7)``); negatives become 0."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    y = y.iloc[-FIT_DAYS:].astype("float64")
    index = pd.date_range(y.index[-1] + pd.Timedelta(days=1), periods=horizon, freq="D")
    if float(y.std()) == 0.0:
        return pd.Series(float(y.iloc[-1]), index=index)
    model = ExponentialSmoothing(
        y.to_numpy(),
        trend=None,
        seasonal="add",
        seasonal_periods=7,
        initialization_method="heuristic",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = model.fit(use_brute=False)
    return pd.Series(np.clip(fit.forecast(horizon), 0.0, None), index=index)


def with_promos(base: pd.Series, promo_phase: pd.Series, uplift: dict[str, float]) -> pd.Series:
    """``base`` multiplied by ``uplift[phase]`` on the dates ``promo_phase`` marks."""
    phase = promo_phase.reindex(base.index)
    factor = phase.map(uplift).fillna(1.0).astype("float64")
    return base * factor


def forecast_item(
    y: pd.Series, *, horizon: int, promo_phase: pd.Series, uplift: dict[str, float]
) -> pd.Series:
    """Demand forecast of one item: ETS on the promo-cleaned history, then promo uplift."""
    clean = clean_promo(y, pd.DatetimeIndex(promo_phase.dropna().index))
    return with_promos(ets_forecast(clean, horizon), promo_phase, uplift)


@dataclass(frozen=True)
class Backtest:
    """Rolling-origin backtest of :func:`forecast_item`.

    Attributes
    ----------
    folds : one row per SKU x origin: ``sku_id, origin, actual, forecast, naive`` (sums over
        the 7 days after the origin) and ``abs_error``, ``naive_abs_error`` (sums of daily
        absolute errors).
    wape : sum of absolute daily errors / sum of actual units, over every fold and SKU.
    naive_wape : the same for the seasonal naive forecast (each day = the same weekday one
        week before), the bar the model has to beat.
    """

    folds: pd.DataFrame
    wape: float
    naive_wape: float


def backtest(
    demand: pd.DataFrame,
    *,
    folds: int,
    promo_phase: pd.Series,
    uplift: dict[str, float],
    horizon: int = 7,
) -> Backtest:
    """Forecast each SKU (column of ``demand``) from ``folds`` weekly origins before the end
    and compare with what happened: origin ``o_k = end - 7k`` (k = 1..folds), fit on the days
    up to ``o_k``, forecast the next ``horizon`` days.
    """
    rows = []
    if demand.empty:  # no history: nothing to test (an empty backtest, its WAPE NaN)
        folds = 0
    end = demand.index[-1] if len(demand.index) else pd.Timestamp(0)
    for k in range(folds, 0, -1):
        origin = end - pd.Timedelta(days=7 * k)
        window = pd.date_range(origin + pd.Timedelta(days=1), periods=horizon, freq="D")
        for sku in demand.columns:
            hist = demand.loc[:origin, sku]
            if len(hist) < MIN_DAYS:
                continue
            f = forecast_item(hist, horizon=horizon, promo_phase=promo_phase, uplift=uplift)
            actual = demand[sku].reindex(window).fillna(0.0)
            naive = demand[sku].shift(7).reindex(window).fillna(0.0)
            rows.append(
                {
                    "sku_id": sku,
                    "origin": origin,
                    "actual": float(actual.sum()),
                    "forecast": float(f.sum()),
                    "naive": float(naive.sum()),
                    "abs_error": float((f.to_numpy() - actual.to_numpy()).__abs__().sum()),
                    "naive_abs_error": float((naive - actual).abs().sum()),
                }
            )
    folds_frame = pd.DataFrame(
        rows,
        columns=["sku_id", "origin", "actual", "forecast", "naive", "abs_error", "naive_abs_error"],
    )
    total = folds_frame["actual"].sum()
    wape = float(folds_frame["abs_error"].sum() / total) if total > 0 else float("nan")
    naive_wape = float(folds_frame["naive_abs_error"].sum() / total) if total > 0 else float("nan")
    return Backtest(folds=folds_frame, wape=wape, naive_wape=naive_wape)
