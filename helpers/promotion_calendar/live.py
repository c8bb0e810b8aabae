"""The same festival this year vs last: hour by hour on the burst day, day by day over the
phases, the way operators watch 双11 live.

The hourly figures come from the orders' ``paid_at`` (the daily facts have no hour), cut at
the run date like everything else (:func:`helpers.facts.as_of` via
:func:`.economics.paid_orders`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.promotion_calendar.evaluation import EventRow, promotions_of


def hourly(orders: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """GMV and paid orders by hour of ``day``: ``hour`` (0-23), ``gmv``, ``orders``,
    ``cum_gmv`` (running total, currency)."""
    o = orders[orders["date"] == pd.Timestamp(day)]
    hours = pd.Series(o["paid_at"].dt.hour.to_numpy(), index=o.index)
    g = o.groupby(hours).agg(gmv=("paid_amount", "sum"), orders=("order_id", "count"))
    g = g.reindex(range(24), fill_value=0).rename_axis("hour").reset_index()
    g["gmv"] = g["gmv"].astype(float)
    g["cum_gmv"] = g["gmv"].cumsum()
    return g


def pair_for(events: pd.DataFrame, run_date: pd.Timestamp, first_day: pd.Timestamp):
    """(this year, last year) of the latest festival with a burst by ``run_date`` that also
    ran 300-430 days earlier within the data (from ``first_day``), larger festivals first
    among those of the last 60 days; None when no festival repeats."""
    promos = promotions_of(events)
    promos = promos[promos["start_date"] <= run_date].sort_values("start_date")
    best = None
    starts = pd.to_datetime(promos["start_date"])
    for e, start in zip(promos[::-1].itertuples(), starts[::-1], strict=True):
        gap = (start - starts).dt.days
        prev = promos[(promos["name"] == e.name) & gap.between(300, 430)]
        prev = prev[prev["start_date"] >= first_day]
        if prev.empty:
            continue
        cand = (e, prev.iloc[-1])
        if best is None:
            best = cand
        if (run_date - start).days > 60:
            break
        if e.name == "双11":
            return cand
    return best


def burst_hours(orders: pd.DataFrame, this: EventRow, last: EventRow) -> pd.DataFrame:
    """Hour-by-hour GMV on the first burst day, this year vs last: ``hour, gmv_this,
    gmv_last, cum_this, cum_last, cum_change`` (cum_this / cum_last - 1)."""
    a = hourly(orders, pd.Timestamp(this.start_date))
    b = hourly(orders, pd.Timestamp(last.start_date))
    out = pd.DataFrame(
        {
            "hour": a["hour"],
            "gmv_this": a["gmv"],
            "gmv_last": b["gmv"],
            "cum_this": a["cum_gmv"],
            "cum_last": b["cum_gmv"],
        }
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cum_change"] = np.where(
            out["cum_last"] > 0, out["cum_this"] / out["cum_last"] - 1, np.nan
        )
    return out


def phase_days(daily: pd.DataFrame, this: EventRow, last: EventRow) -> pd.DataFrame:
    """Day by day from warm-up to after-glow, aligned on the burst start: ``offset`` (days
    from the burst start), ``date_this``, ``gmv_this``, ``date_last``, ``gmv_last``."""
    series = daily.set_index("date")["gmv"]

    def span(e: EventRow) -> pd.DataFrame:
        ws = e.warmup_start if pd.notna(e.warmup_start) else e.start_date
        ae = e.afterglow_end if pd.notna(e.afterglow_end) else e.end_date
        days = pd.date_range(ws, ae, freq="D")
        return pd.DataFrame(
            {
                "offset": (days - pd.Timestamp(e.start_date)).days,
                "date": days,
                "gmv": series.reindex(days).to_numpy(),
            }
        )

    a, b = span(this), span(last)
    out = a.merge(b, on="offset", how="outer", suffixes=("_this", "_last"))
    return out.sort_values("offset").reset_index(drop=True)
