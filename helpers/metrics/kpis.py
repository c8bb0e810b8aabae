"""Headline KPIs of the daily review (每日复盘) and the one home of the ratio formulas.

Ratio formulas (all NaN when the denominator is 0 or NaN, or an input column is missing):

=================  ==========================  =====================================
column             formula                     meaning
=================  ==========================  =====================================
``cvr``            buyers / uv                 转化率 conversion rate
``arpu``           gmv / buyers                客单价 GMV per paying buyer
``aov``            gmv / orders                GMV per order (AOV)
``uv_value``       gmv / uv                    UV价值 GMV per visitor
``cart_rate``      cart_users / uv             加购率 add-to-cart rate
``fav_rate``       fav_users / uv              收藏率 favourite rate
``refund_rate``    refund_cases / orders       退款率, count basis (requests / paid orders)
``roas``           ad_gmv / ad_spend           ROI / ROAS of ad spend
``ship_24h_rate``  ship_on_time / ship_due     share of orders shipped within the SLA
``ctr``            uv / impressions            曝光 -> 访客 click-through
=================  ==========================  =====================================

Over a window of days a ratio is the ratio of the window sums (never the mean of daily
ratios). Sums of ``buyers`` and ``uv`` over several days count buyer-days and visitor-days
(platform UV is not de-duplicated across days either).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.facts import DAILY_COLUMNS, Facts, as_day

#: ratio name -> (numerator column, denominator column)
RATIOS: dict[str, tuple[str, str]] = {
    "cvr": ("buyers", "uv"),
    "arpu": ("gmv", "buyers"),
    "aov": ("gmv", "orders"),
    "uv_value": ("gmv", "uv"),
    "cart_rate": ("cart_users", "uv"),
    "fav_rate": ("fav_users", "uv"),
    "refund_rate": ("refund_cases", "orders"),
    "roas": ("ad_gmv", "ad_spend"),
    "ship_24h_rate": ("ship_on_time", "ship_due"),
    "ctr": ("uv", "impressions"),
}

#: Additive columns of ``Facts.daily`` / ``daily_channel`` (summed over windows): every
#: daily fact except the date and the promotion labels.
ADDITIVE: tuple[str, ...] = tuple(c for c in DAILY_COLUMNS if c not in ("date", "phase", "promo"))

#: Headline metrics in report order: (metric, unit, contract table it needs besides orders).
HEADLINE: tuple[tuple[str, str, str | None], ...] = (
    ("gmv", "currency", None),
    ("orders", "count", None),
    ("buyers", "count", None),
    ("uv", "count", "traffic"),
    ("cvr", "ratio", "traffic"),
    ("arpu", "currency", None),
    ("aov", "currency", None),
    ("uv_value", "currency", "traffic"),
    ("cart_rate", "ratio", "traffic"),
    ("refund_rate", "ratio", "after_sales"),
    ("new_buyers", "count", None),
    ("returning_buyers", "count", None),
    ("ad_spend", "currency", "ad_spend"),
    ("roas", "ratio", "ad_spend"),
    ("ship_24h_rate", "ratio", None),
)

#: Comparison bases of :func:`headline_kpis`: name -> days before the run date.
BASES = {"prev_day": 1, "same_weekday_last_week": 7, "last_year": 364}


def safe_ratio(num: Any, den: Any) -> Any:
    """``num / den`` with NaN where ``den`` is 0 or NaN (works on scalars and arrays)."""
    n = np.asarray(num, dtype="float64")
    d = np.asarray(den, dtype="float64")
    ok = np.isfinite(d) & (d != 0)
    out = np.divide(n, np.where(ok, d, 1.0))
    out = np.where(ok, out, np.nan)
    if np.ndim(out) == 0:
        return float(out)
    if isinstance(num, pd.Series):
        return pd.Series(out, index=num.index)
    if isinstance(den, pd.Series):
        return pd.Series(out, index=den.index)
    return out


def add_ratios(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` with every ratio in :data:`RATIOS` added.

    Works on ``Facts.daily``, ``Facts.daily_channel`` or any frame of window sums holding
    the additive columns; a ratio whose input column is missing is all NaN.
    """
    out = df.copy()
    for name, (num, den) in RATIOS.items():
        if num in out.columns and den in out.columns:
            out[name] = safe_ratio(out[num].astype("float64"), out[den].astype("float64"))
        else:
            out[name] = np.nan
    return out


def is_ratio(metric: str) -> bool:
    """Whether ``metric`` is one of the ratio formulas."""
    return metric in RATIOS


def _sum_frame(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    cols = [c for c in ADDITIVE if c in frame.columns]
    if by:
        g = frame.groupby(by, sort=True)
        out = g[cols].sum(min_count=1)
        out["days"] = g["date"].nunique()
        return out.reset_index()
    data = {c: [frame[c].sum(min_count=1)] for c in cols}
    data["days"] = [frame["date"].nunique()]
    return pd.DataFrame(data)


def window_sums(
    facts: Facts,
    start: Any,
    end: Any,
    by: str | None = None,
) -> pd.DataFrame:
    """Sums of the additive columns over the days ``start..end`` (inclusive), with ratios.

    Parameters
    ----------
    facts : the run's facts.
    start, end : first and last day of the window; days outside the facts' range are
        simply absent (``days`` says how many days had data).
    by : None for the shop (from ``daily``, one row) or ``"channel"`` (from
        ``daily_channel``, one row per channel).

    Returns
    -------
    DataFrame with the additive columns (sums; traffic/ad sums stay NaN when that data is
    absent), ``days`` and the ratios of :func:`add_ratios`. For the shop with no day in the
    window, a single row of NaN with ``days = 0``.
    """
    s, e = as_day(start), as_day(end)
    if by is None:
        frame = facts.daily
        frame = frame.loc[(frame["date"] >= s) & (frame["date"] <= e)]
        out = _sum_frame(frame, [])
        if out.loc[0, "days"] == 0:
            out.loc[:, [c for c in out.columns if c != "days"]] = np.nan
    elif by == "channel":
        frame = facts.daily_channel
        frame = frame.loc[(frame["date"] >= s) & (frame["date"] <= e)]
        out = _sum_frame(frame, ["channel"])
    else:
        raise ValueError(f"by must be None or 'channel', not {by!r}")
    return add_ratios(out)


def _per_day(w: pd.Series, metric: str) -> float:
    """Per-day value of ``metric`` from a row of :func:`window_sums`: the mean per day of
    an additive metric (over the days with data), the ratio of window sums for a ratio."""
    days = w["days"]
    if not days or pd.isna(days):
        return np.nan
    if is_ratio(metric):
        return float(w[metric])
    return float(w[metric]) / float(days)


def _pct(value: float, base: float) -> float:
    """``value / base - 1``; NaN when the base is 0 or NaN."""
    return float(safe_ratio(value, base)) - 1.0


def headline_kpis(facts: Facts, *, run_date: Any = None) -> pd.DataFrame:
    """Headline KPIs of a day against its comparison bases.

    For each metric of :data:`HEADLINE` (gmv, orders, buyers, uv, cvr, arpu = 客单价 =
    gmv / buyers, aov = gmv / orders, uv_value, cart_rate, refund_rate, new_buyers,
    returning_buyers, ad_spend, roas, ship_24h_rate):

    * ``value`` on the run date ``D``; ``prev_day`` on the last day before D in
      ``facts.daily`` (D-1; the day before a closed day left out by
      :func:`helpers.metrics.trading_days.open_days_only`); ``same_weekday_last_week`` on
      D-7; ``last_year`` on D-364 (same weekday a year earlier; NaN outside the data);
    * ``avg_7d`` over D-7..D-1: additive metrics = mean per day (over the days with data),
      ratios = ratio of the 7-day sums;
    * ``vs_prev_day, vs_last_week, vs_avg_7d, vs_last_year`` = value / base - 1 (NaN when
      the base is 0 or NaN);
    * ``unit`` (currency / count / ratio) and ``available`` (False when the table the
      metric needs is absent, e.g. uv without ``traffic``; the value is then NaN).

    Parameters
    ----------
    facts : the run's facts.
    run_date : the day to report; defaults to ``facts.run_date`` (must not be later).

    Returns
    -------
    DataFrame, one row per metric in the order above.
    """
    day = _check_day(facts, run_date)
    one = pd.Timedelta(days=1)
    spans = {"value": (day, day), "avg_7d": (day - 7 * one, day - one)}
    spans.update({name: (day - n * one, day - n * one) for name, n in BASES.items()})
    before = facts.daily.loc[facts.daily["date"] < day, "date"]
    if not before.empty:  # the previous day in the data (after a closed day left out)
        spans["prev_day"] = (before.max(), before.max())
    windows = {name: window_sums(facts, s, e).iloc[0] for name, (s, e) in spans.items()}
    rows = []
    for metric, unit, needs in HEADLINE:
        available = needs is None or facts.has(needs)
        v = {name: (_per_day(w, metric) if available else np.nan) for name, w in windows.items()}
        rows.append(
            {
                "metric": metric,
                "value": v["value"],
                "prev_day": v["prev_day"],
                "same_weekday_last_week": v["same_weekday_last_week"],
                "avg_7d": v["avg_7d"],
                "last_year": v["last_year"],
                "vs_prev_day": _pct(v["value"], v["prev_day"]),
                "vs_last_week": _pct(v["value"], v["same_weekday_last_week"]),
                "vs_avg_7d": _pct(v["value"], v["avg_7d"]),
                "vs_last_year": _pct(v["value"], v["last_year"]),
                "unit": unit,
                "available": available,
            }
        )
    out = pd.DataFrame(rows)
    out["available"] = out["available"].astype(bool)
    return out


def _check_day(facts: Facts, run_date: Any) -> pd.Timestamp:
    day = facts.run_date if run_date is None else as_day(run_date)
    if day > facts.run_date:
        raise ValueError(
            f"run_date {day:%Y-%m-%d} is after the facts' run date {facts.run_date:%Y-%m-%d}"
        )
    return day


def daily_trend(
    facts: Facts,
    *,
    metric: str,
    days: int = 28,
    run_date: Any = None,
) -> pd.DataFrame:
    """Daily series of ``metric`` over the last ``days`` days up to the run date.

    Returns
    -------
    DataFrame ``date, value, avg_7d, phase``: ``avg_7d`` is the trailing 7-day value
    (days d-6..d): the rolling mean for additive metrics, the ratio of rolling 7-day sums
    for ratios; NaN until 7 days of data exist. ``phase`` is the promotion phase of the day.
    """
    day = _check_day(facts, run_date)
    daily = facts.daily.loc[facts.daily["date"] <= day].sort_values("date")
    if is_ratio(metric):
        num, den = RATIOS[metric]
        frame = add_ratios(daily)
        value = frame[metric]
        if num in daily.columns and den in daily.columns:
            n7 = daily[num].astype("float64").rolling(7, min_periods=7).sum()
            d7 = daily[den].astype("float64").rolling(7, min_periods=7).sum()
            avg = safe_ratio(n7, d7)
        else:
            avg = pd.Series(np.nan, index=daily.index)
    elif metric in daily.columns and metric in ADDITIVE:
        value = daily[metric].astype("float64")
        avg = value.rolling(7, min_periods=7).mean()
    else:
        raise KeyError(f"unknown metric {metric!r}; use one of {ADDITIVE + tuple(RATIOS)}")
    out = pd.DataFrame(
        {"date": daily["date"], "value": value, "avg_7d": avg, "phase": daily["phase"]}
    )
    start = day - pd.Timedelta(days=days - 1)
    return out.loc[out["date"] >= start].reset_index(drop=True)
