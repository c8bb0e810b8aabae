"""Historic and predicted customer value per customer, and the hold-out check of the model.

Predicted value over a horizon of h days = expected purchases in h days (BG/NBD) x expected
spend per purchase (Gamma-Gamma), undiscounted, in the shop currency. Historic value = the
customer's net spend so far (RFM monetary).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from helpers.facts import as_day
from helpers.facts.frames import isin_fast
from helpers.retention.clv import (
    UNIT_DAYS,
    BgNbd,
    GammaGamma,
    ModelFitError,
    btyd_summary,
    expected_purchases,
    expected_spend,
    fit_bgnbd,
    fit_gamma_gamma,
    probability_alive,
)
from helpers.sections import Text

#: Calibration frequency groups of the hold-out table: 0..6 and "7+".
HOLDOUT_GROUPS = 7


@dataclass(frozen=True)
class ValueForecast:
    """Predicted customer value, or why there is none.

    Attributes
    ----------
    status : str
        ``fitted``; ``thin`` (too few repeat buyers to fit); ``failed`` (the fit did not
        converge). Only ``fitted`` carries model numbers.
    reason : Text or None
        Why there is no forecast, ``(zh, en)``.
    purchases : BgNbd or None
    spend : GammaGamma or None
    customers : DataFrame
        Per customer: ``customer_id, frequency, recency, T, monetary, p_alive``, and for each
        horizon h ``purchases_<h>d`` and ``value_<h>d`` (empty unless fitted).
    holdout : DataFrame or None
        The model refitted on the data up to ``run_date - holdout_days``: per calibration
        frequency group (``0`` .. ``6``, ``7+``) the customers and their mean ``predicted``
        and ``actual`` repeat purchases in the hold-out days.
    holdout_note : Text or None
        Why the hold-out check is missing, when it is.
    seconds : float
        Time spent fitting (both models, and the hold-out refit).
    """

    status: str
    reason: Text | None = None
    purchases: BgNbd | None = None
    spend: GammaGamma | None = None
    customers: pd.DataFrame = field(default_factory=pd.DataFrame)
    holdout: pd.DataFrame | None = None
    holdout_note: Text | None = None
    seconds: float = 0.0

    @property
    def fitted(self) -> bool:
        return self.status == "fitted"

    def models(self) -> tuple[BgNbd, GammaGamma] | None:
        """The purchase and spend models when the fit succeeded, else None."""
        if self.fitted and self.purchases is not None and self.spend is not None:
            return self.purchases, self.spend
        return None


def _fit_both(summary: pd.DataFrame, min_repeat: int) -> tuple[BgNbd, GammaGamma]:
    repeat = int((summary["frequency"] > 0).sum())
    if repeat < min_repeat:
        raise _Thin(repeat)
    return fit_bgnbd(summary), fit_gamma_gamma(summary)


class _Thin(Exception):
    def __init__(self, repeat: int) -> None:
        self.repeat = repeat


def customer_predictions(
    summary: pd.DataFrame, purchases: BgNbd, spend: GammaGamma, horizons: tuple[int, ...]
) -> pd.DataFrame:
    """``p_alive`` and, per horizon h (days), ``purchases_<h>d`` (expected purchases in the
    next h days) and ``value_<h>d`` = purchases x expected spend per purchase."""
    out = summary.copy()
    x, tx, T = out["frequency"], out["recency"], out["T"]
    out["p_alive"] = probability_alive(purchases, x, tx, T)
    per_purchase = expected_spend(spend, x, out["monetary"])
    for h in horizons:
        n = expected_purchases(purchases, h / UNIT_DAYS, x, tx, T)
        out[f"purchases_{h}d"] = n
        out[f"value_{h}d"] = n * per_purchase
    return out


def holdout_check(
    calibration: pd.DataFrame, model: BgNbd, actual: pd.Series, days: int
) -> pd.DataFrame:
    """Mean predicted vs actual repeat purchases in the ``days`` after calibration, per
    calibration frequency group (``0`` .. ``6``, ``7+``).

    ``actual`` = purchase days in the hold-out period per customer (indexed by id; customers
    absent bought nothing).
    """
    cal = calibration.copy()
    cal["predicted"] = expected_purchases(
        model, days / UNIT_DAYS, cal["frequency"], cal["recency"], cal["T"]
    )
    cal["actual"] = cal["customer_id"].map(actual).fillna(0).astype("float64")
    top = HOLDOUT_GROUPS
    cal["group"] = np.where(cal["frequency"] >= top, f"{top}+", cal["frequency"].astype(str))
    g = cal.groupby("group", sort=False)
    out = pd.DataFrame(
        {"customers": g.size(), "predicted": g["predicted"].mean(), "actual": g["actual"].mean()}
    )
    order = [str(i) for i in range(top)] + [f"{top}+"]
    return out.reindex([o for o in order if o in out.index]).rename_axis("group").reset_index()


def forecast_value(
    now: pd.DataFrame,
    calibration: pd.DataFrame,
    run_date: Any,
    *,
    horizons: tuple[int, ...] = (90, 180),
    holdout_days: int = 90,
    min_repeat_buyers: int = 30,
) -> ValueForecast:
    """Fit BG/NBD and Gamma-Gamma on the kept purchases ``now`` (as of ``run_date``) and
    check them on a hold-out period.

    ``calibration`` holds the kept purchases as known at ``run_date - holdout_days`` (its own
    as-of cut, :func:`helpers.retention.purchases.purchases`).
    """
    day = as_day(run_date)
    start = time.perf_counter()
    summary = btyd_summary(now, day)
    try:
        bg, gg = _fit_both(summary, min_repeat_buyers)
    except _Thin as thin:
        reason = (
            f"只有 {thin.repeat} 位客户买过第二次（至少需要 {min_repeat_buyers} 位），"
            "数据太少，无法可靠地预测；下面只给历史价值。",
            f"Only {thin.repeat} customers bought a second time (at least {min_repeat_buyers} "
            "needed): too little data for a reliable forecast; historic value only.",
        )
        return ValueForecast("thin", reason, seconds=time.perf_counter() - start)
    except ModelFitError as exc:
        reason = (
            f"模型拟合没有收敛（{exc}），不显示预测值；下面只给历史价值。",
            f"The model fit did not converge ({exc}); no forecast is shown, historic value only.",
        )
        return ValueForecast("failed", reason, seconds=time.perf_counter() - start)
    customers = customer_predictions(summary, bg, gg, horizons)
    holdout, note = _holdout(now, calibration, day, holdout_days, min_repeat_buyers)
    return ValueForecast(
        "fitted",
        purchases=bg,
        spend=gg,
        customers=customers,
        holdout=holdout,
        holdout_note=note,
        seconds=time.perf_counter() - start,
    )


def _holdout(
    now: pd.DataFrame, calibration: pd.DataFrame, day: pd.Timestamp, days: int, min_repeat: int
) -> tuple[pd.DataFrame | None, Text | None]:
    end = day - pd.Timedelta(days=days)
    cal = btyd_summary(calibration, end)
    try:
        model, _ = _fit_both(cal, min_repeat)
    except (_Thin, ModelFitError):
        return None, (
            f"截至 {end:%Y-%m-%d} 的数据不足以拟合模型，无法做留出期检验。",
            f"The data up to {end:%Y-%m-%d} are too thin to refit the model; no hold-out check.",
        )
    later = now.loc[(now["date"] > end) & (now["date"] <= day)]
    later = later.loc[isin_fast(later["customer_id"], cal["customer_id"])]
    actual = later.groupby("customer_id")["date"].nunique()
    return holdout_check(cal, model, actual, days), None
