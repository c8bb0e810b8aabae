"""Cohorts by first-purchase month, the repeat-purchase rate, the days to the second
purchase, and new versus returning buyers over time (all over kept purchases)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from helpers.facts import as_day


def _month(dates: pd.Series) -> pd.Series:
    return dates.dt.to_period("M").dt.to_timestamp()


def cohort_counts(kept: pd.DataFrame, run_date: Any, *, months: int = 12) -> pd.DataFrame:
    """Customers of each first-purchase month still buying k months later.

    ``cohort`` = month of the customer's first kept purchase; ``month_index`` k = months
    between the cohort month and the month of a later kept purchase (0 = the first month);
    ``customers`` = distinct customers of the cohort with a kept purchase in month k;
    ``size`` = customers of the cohort; ``share = customers / size``. Only the latest
    ``months`` cohorts are returned; ``complete`` is False for the run date's own month
    (it is still running).

    Returns a long frame: ``cohort, month_index, customers, size, share, complete``.
    """
    cols = ["cohort", "month_index", "customers", "size", "share", "complete"]
    if kept.empty:
        return pd.DataFrame(columns=cols)
    df = kept[["customer_id", "date"]].copy()
    df["month"] = _month(df["date"])
    df["cohort"] = df.groupby("customer_id")["month"].transform("min")
    keep = sorted(df["cohort"].unique())[-months:]
    df = df.loc[df["cohort"].isin(keep)]
    df["month_index"] = (df["month"].dt.year - df["cohort"].dt.year) * 12 + (
        df["month"].dt.month - df["cohort"].dt.month
    )
    counts = df.groupby(["cohort", "month_index"])["customer_id"].nunique()
    out = counts.rename("customers").reset_index()
    out["size"] = out.groupby("cohort")["customers"].transform("first")
    out["share"] = out["customers"] / out["size"]
    day = as_day(run_date)
    current = day.year * 12 + day.month
    month_of = out["cohort"].dt.year * 12 + out["cohort"].dt.month + out["month_index"]
    out["complete"] = month_of < current
    return out.loc[:, cols]


def cohort_matrix(counts: pd.DataFrame, value: str = "share") -> pd.DataFrame:
    """Cohorts as rows, month index as columns (``value``: ``share`` or ``customers``)."""
    if counts.empty:
        return pd.DataFrame()
    return counts.pivot(index="cohort", columns="month_index", values=value).sort_index()


@dataclass(frozen=True)
class RepeatRate:
    """复购率 over one window.

    Attributes
    ----------
    start, end : pd.Timestamp
        First and last day of the window (both included).
    buyers : int
        Customers with a kept purchase in the window.
    repeat_buyers : int
        Of those, customers with two or more kept orders in the window.
    rate : float
        ``repeat_buyers / buyers`` (NaN without buyers).
    """

    start: pd.Timestamp
    end: pd.Timestamp
    buyers: int
    repeat_buyers: int
    rate: float


def repeat_rate(kept: pd.DataFrame, end: Any, *, days: int) -> RepeatRate:
    """Share of the window's buyers with at least two kept orders in the window.

    Window = the ``days`` days ending on ``end`` (included).
    """
    last = as_day(end)
    first = last - pd.Timedelta(days=days - 1)
    inside = kept.loc[(kept["date"] >= first) & (kept["date"] <= last)]
    n = inside.groupby("customer_id")["order_id"].nunique()
    buyers, repeat = int(len(n)), int((n >= 2).sum())
    return RepeatRate(first, last, buyers, repeat, repeat / buyers if buyers else float("nan"))


def days_to_second(kept: pd.DataFrame) -> pd.Series:
    """Days between each customer's first and second kept order (customers with two or more),
    indexed by customer id (sorted); 0 when both were paid on the same day.

    The orders of a customer are ranked by ``paid_at`` (``date`` is its day, so orders paid
    at the same moment share their day whatever their order ids).
    """
    codes, ids = pd.factorize(kept["customer_id"], sort=True)
    paid = kept["paid_at"].to_numpy(dtype="datetime64[ns]").view("int64")
    named = codes >= 0
    rows = np.flatnonzero(named)[np.lexsort((paid[named], codes[named]))]
    who = codes[rows]
    starts = np.flatnonzero(np.r_[True, who[1:] != who[:-1]])
    has_second = np.r_[starts[1:] - starts[:-1], len(rows) - starts[-1:]] >= 2
    first, second = rows[starts[has_second]], rows[starts[has_second] + 1]
    date = kept["date"].to_numpy(dtype="datetime64[ns]")
    days = pd.Series(date[second] - date[first]).dt.days.to_numpy()
    index = pd.Index(ids.take(who[starts[has_second]]), name="customer_id")
    return pd.Series(days, index=index, name="days")


def new_vs_returning(kept: pd.DataFrame) -> pd.DataFrame:
    """Per calendar month: new and returning buyers and returning buyers' share of GMV.

    A buyer is *new* in the month of their first kept purchase and *returning* in any later
    month. ``gmv`` sums ``paid_amount`` of the kept purchases (GMV as in the glossary, before
    refunds; orders refunded in full are not purchases). Columns: ``month, new_buyers,
    returning_buyers, gmv_new, gmv_returning, returning_share`` (of buyers),
    ``returning_gmv_share``.
    """
    cols = ["month", "new_buyers", "returning_buyers", "gmv_new", "gmv_returning"]
    if kept.empty:
        return pd.DataFrame(columns=[*cols, "returning_share", "returning_gmv_share"])
    df = kept[["customer_id", "date", "paid_amount"]].copy()
    df["month"] = _month(df["date"])
    df["returning"] = df["month"] > df.groupby("customer_id")["month"].transform("min")
    g = df.groupby(["month", "returning"])
    buyers = g["customer_id"].nunique().unstack(fill_value=0)
    gmv = g["paid_amount"].sum().unstack(fill_value=0)  # 0 in a float column: 0.0
    out = pd.DataFrame(
        {
            "new_buyers": buyers.get(False, 0),
            "returning_buyers": buyers.get(True, 0),
            "gmv_new": gmv.get(False, 0.0),
            "gmv_returning": gmv.get(True, 0.0),
        }
    ).fillna(0)
    out[["new_buyers", "returning_buyers"]] = out[["new_buyers", "returning_buyers"]].astype(
        "int64"
    )
    total_b = out["new_buyers"] + out["returning_buyers"]
    total_g = out["gmv_new"] + out["gmv_returning"]
    out["returning_share"] = out["returning_buyers"] / total_b
    out["returning_gmv_share"] = out["gmv_returning"] / total_g.where(total_g != 0, np.nan)
    return out.rename_axis("month").reset_index()
