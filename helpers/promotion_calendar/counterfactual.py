"""The counterfactual baseline: what a series would have been on event days without the event.

Model
-----
On the *ordinary* days of a fit window (no promotion phase, no public-holiday block or
logistics pause, none of the watched days around events) an ordinary least-squares model
(statsmodels OLS) is fitted to ``log(1 + y)``::

    log(1 + y_t) = b0 + b1 * t + b2 * t^2 + sum_k w_k * [weekday_t = k] + e_t,
    e_t ~ N(0, s^2),   t in years from the window start

(quadratic local trend + weekly rhythm; the yearly rhythm is left to the local trend, which is
why the window is a few months, not years; the trend is straight, ``b2 = 0``, when the days
to predict lie after the last fitted day, as for an event that has only just ended). For the days to predict, ``S`` paths are
simulated: coefficients drawn from their estimated normal distribution and one noise draw per
day, ``y*_t = exp(x_t b* + e*_t) - 1``. The point baseline is the mean of the paths and the
interval their quantiles; sums over a phase are taken path by path, so the interval of an
incremental GMV covers both the model's uncertainty and day-to-day noise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

#: Simulated baseline paths per fit (deterministic: the seed is fixed).
N_PATHS = 2000
#: Fewer ordinary days than this and no baseline is fitted.
MIN_FIT_DAYS = 28
SEED = 20261111


@dataclass(frozen=True)
class Counterfactual:
    """A fitted baseline for a set of days.

    Attributes
    ----------
    days : DatetimeIndex
        The predicted days.
    paths : ndarray, shape (N_PATHS, len(days))
        Simulated baseline values (same unit as the series).
    fit_days : int
        Ordinary days the model was fitted on.
    sigma : float
        Residual standard deviation on the log scale.
    """

    days: pd.DatetimeIndex
    paths: np.ndarray
    fit_days: int
    sigma: float

    def frame(self, actual: pd.Series, interval: float = 0.95) -> pd.DataFrame:
        """Per day: ``date, actual, baseline, lower, upper`` (interval of the baseline)."""
        lo, hi = _quantiles(self.paths, interval, axis=0)
        return pd.DataFrame(
            {
                "date": self.days,
                "actual": actual.reindex(self.days).to_numpy(dtype=float),
                "baseline": self.paths.mean(axis=0),
                "lower": lo,
                "upper": hi,
            }
        )

    def total(self, days: Iterable[pd.Timestamp]) -> np.ndarray:
        """Simulated baseline sums over ``days`` (one per path)."""
        mask = self.days.isin(pd.DatetimeIndex(list(days)))
        return self.paths[:, mask].sum(axis=1)


def _quantiles(values: np.ndarray, interval: float, axis: int = 0) -> tuple[np.ndarray, ...]:
    tail = (1 - interval) / 2
    return tuple(np.quantile(values, [tail, 1 - tail], axis=axis))


def design(days: pd.DatetimeIndex, origin: pd.Timestamp) -> pd.DataFrame:
    """Regressors of the model: constant, trend, trend squared, weekday indicators (Mon = 0
    is the reference)."""
    t = (days - origin).days.to_numpy(dtype=float) / 365.25
    x = pd.DataFrame({"const": 1.0, "t": t, "t2": t**2}, index=days)
    for k in range(1, 7):
        x[f"wd{k}"] = (days.day_of_week == k).astype(float)
    return x


def fit_counterfactual(
    series: pd.Series,
    ordinary: pd.Series,
    predict: pd.DatetimeIndex,
    *,
    seed: int = SEED,
) -> Counterfactual | None:
    """Fit the model on the ordinary days of ``series`` and simulate ``predict`` days.

    Parameters
    ----------
    series : daily values indexed by midnight dates (GMV, units ...); missing days count as
        not observed.
    ordinary : boolean Series on the same index, True where a day may enter the fit.
    predict : days to predict (they may be outside ``series``' index).
    seed : random seed of the simulation.

    Returns
    -------
    :class:`Counterfactual`, or None with fewer than :data:`MIN_FIT_DAYS` ordinary days.
    """
    fit = series[ordinary.reindex(series.index, fill_value=False).astype(bool)].dropna()
    if len(fit) < MIN_FIT_DAYS:
        return None
    origin = fit.index.min()
    x = design(pd.DatetimeIndex(fit.index), origin)
    x = x.loc[:, (x != 0).any() | (x.columns == "const")]
    if len(predict) and pd.DatetimeIndex(predict).max() > fit.index.max():
        x = x.drop(columns="t2")  # forecasting past the fit: a straight trend, not a parabola
    y = np.log1p(fit.clip(lower=0).to_numpy(dtype=float))
    model = sm.OLS(y, x.to_numpy()).fit()
    sigma = float(np.sqrt(model.scale))
    rng = np.random.default_rng(seed)
    beta = rng.multivariate_normal(model.params, model.cov_params(), size=N_PATHS)
    xp = design(pd.DatetimeIndex(predict), origin)[x.columns].to_numpy()
    noise = rng.normal(0.0, sigma, size=(N_PATHS, len(predict)))
    paths = np.expm1(beta @ xp.T + noise)
    return Counterfactual(pd.DatetimeIndex(predict), paths, len(fit), sigma)
