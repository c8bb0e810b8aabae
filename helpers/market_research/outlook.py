"""Demand outlook (需求展望): seasonal decomposition and a short forecast per category.

A monthly series is decomposed with STL (statsmodels, period 12) into trend, seasonal and
remainder (a local-constant seasonal smoother, see ``STL_KWARGS``), and forecast a few months ahead with an interval (STL + ARIMA(1,1,0) on the
seasonally adjusted log series, the seasonal part carried forward).

STL does not take missing values, so gaps are handled first, explicitly: leading and
trailing empty months are dropped, an interior gap of at most ``MAX_GAP`` months is filled
by linear interpolation of the log values (and counted), a longer gap leaves only the part
after it. A series needs at least two full years (``2 * PERIOD`` months) after that.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

PERIOD = 12
#: STL options: a local-constant seasonal smoother over 13 cycles. With only two or three
#: years, a local-linear smoother passes through every point (no remainder left, so any
#: interval would be falsely narrow); the local-constant one averages the years instead.
STL_KWARGS = {"seasonal": 13, "seasonal_deg": 0}
#: longest run of missing months filled by interpolation
MAX_GAP = 2


@dataclass(frozen=True)
class Outlook:
    """One category's decomposition and forecast.

    Attributes
    ----------
    category : str
    history : DataFrame ``month, value, filled, trend, seasonal, remainder`` (``filled``
        marks interpolated months).
    forecast : DataFrame ``month, mean, lower, upper`` for the months ahead.
    filled : number of interpolated months.
    seasonal_strength : ``max(0, 1 - var(remainder) / var(seasonal + remainder))`` (0..1).
    note : why there is no forecast (empty when there is one).
    """

    category: str
    history: pd.DataFrame
    forecast: pd.DataFrame
    filled: int
    seasonal_strength: float
    note: str = ""


def fill_gaps(series: pd.Series, max_gap: int = MAX_GAP) -> tuple[pd.Series, pd.Series]:
    """A gap-free monthly series ready for STL, and the mask of filled months.

    ``series`` is indexed by month start; non-positive values count as missing (the log
    is taken). Returns empty series when nothing usable remains.
    """
    s = series.astype(float).where(series > 0)
    if s.notna().sum() == 0:
        return s.iloc[:0], s.iloc[:0].astype(bool)
    full = pd.date_range(s.dropna().index.min(), s.dropna().index.max(), freq="MS")
    s = s.reindex(full)
    runs = s.isna().groupby(s.notna().cumsum()).transform("sum")
    long_gap = s.isna() & (runs > max_gap)
    if long_gap.any():
        s = s.loc[long_gap[long_gap].index.max() + pd.DateOffset(months=1) :]
    mask = s.isna()
    logs = pd.Series(np.log(s.to_numpy(dtype=float)), index=s.index)
    between = logs.interpolate(limit_area="inside").to_numpy()
    filled = s.where(~mask, pd.Series(np.exp(between), index=s.index))
    return filled, mask


def _forecast(log_values: pd.Series, months: int, interval: float) -> pd.DataFrame:
    """STL + ARIMA(1,1,0) forecast of a log series, back on the value scale."""
    from statsmodels.tsa.arima.model import ARIMA
    from statsmodels.tsa.forecasting.stl import STLForecast

    model = STLForecast(
        log_values,
        ARIMA,
        model_kwargs={"order": (1, 1, 0)},
        period=PERIOD,
        **STL_KWARGS,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pred = model.fit().get_prediction(start=len(log_values), end=len(log_values) + months - 1)
        frame = pred.summary_frame(alpha=1.0 - interval)
    idx = pd.date_range(log_values.index[-1] + pd.DateOffset(months=1), periods=months, freq="MS")
    return pd.DataFrame(
        {
            "month": idx,
            "mean": np.exp(frame["mean"].to_numpy()),
            "lower": np.exp(frame["mean_ci_lower"].to_numpy()),
            "upper": np.exp(frame["mean_ci_upper"].to_numpy()),
        }
    )


def outlook(series: pd.Series, category: str, *, months: int = 3, interval: float = 0.8) -> Outlook:
    """Decompose one monthly series and forecast ``months`` ahead (see the module doc).

    Parameters
    ----------
    series : values indexed by month start (market size, an index or the shop's GMV).
    """
    from statsmodels.tsa.seasonal import STL

    values, mask = fill_gaps(series)
    empty = pd.DataFrame(columns=["month", "mean", "lower", "upper"])
    if len(values) < 2 * PERIOD:
        hist = pd.DataFrame(
            {"month": values.index, "value": values.to_numpy(), "filled": mask.to_numpy()}
        )
        note = f"{len(values)} months of usable history; {2 * PERIOD} needed"
        return Outlook(category, hist, empty, int(mask.sum()), float("nan"), note)
    logs = np.log(values)
    fit = STL(logs, period=PERIOD, **STL_KWARGS).fit()
    hist = pd.DataFrame(
        {
            "month": values.index,
            "value": values.to_numpy(),
            "filled": mask.to_numpy(),
            "trend": np.exp(fit.trend.to_numpy()),
            "seasonal": fit.seasonal.to_numpy(),
            "remainder": fit.resid.to_numpy(),
        }
    )
    detrended = fit.seasonal + fit.resid
    strength = max(0.0, 1.0 - float(np.var(fit.resid)) / float(np.var(detrended)))
    return Outlook(category, hist, _forecast(logs, months, interval), int(mask.sum()), strength)
