"""The cut at the run date: the last complete day of the data, and every table as known at
the end of the run date (no future leak)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from helpers.facts.frames import ONE_DAY, as_day, isin_fast, table_map, timestamps
from helpers.facts.model import COMPLETE_DAY_HOUR, SHIP_TIME_UNKNOWN, SHIPPED_STATUSES


def last_complete_day(orders: pd.DataFrame) -> pd.Timestamp:
    """The last calendar day the order data fully covers.

    Rule, in two steps:

    1. Take the latest ``created_at`` / ``paid_at`` timestamp ``t``. If ``t`` is at or after
       23:00, its day is considered complete (a shop with any evening trade has an order in
       the last hour); otherwise the export was cut during the day and the candidate is the
       day before.
    2. Step back over a *thin tail*: trailing days whose paid orders fall below
       :data:`THIN_TAIL_SHARE` (20 %) of the usual level - the highest 28-day median daily
       order count of the 120 days before them - are not complete days of trade (an export
       that fades out, a sample whose last weeks hold a handful of orders). The walk goes
       back at most 84 days and needs 56 days of history; otherwise the candidate of step 1
       stands. A shop whose trade really fell below a fifth of its recent level should pass
       the run date explicitly.

    Parameters
    ----------
    orders : an ``orders`` table.

    Returns
    -------
    pandas.Timestamp at midnight.
    """
    stamps = [timestamps(orders[c]) for c in ("created_at", "paid_at") if c in orders.columns]
    if not stamps or orders.empty:
        raise ValueError("orders has no created_at/paid_at timestamps to find the last day")
    latest = max(s.max() for s in stamps)
    if pd.isna(latest):
        raise ValueError("orders has no created_at/paid_at timestamps to find the last day")
    day = latest.normalize()
    day = day if latest.hour >= COMPLETE_DAY_HOUR else day - ONE_DAY
    paid = stamps[-1] if "paid_at" in orders.columns else stamps[0]  # the day GMV counts on
    return before_thin_tail(paid.dropna().dt.normalize(), day)


#: A trailing day with fewer orders than this share of the usual level is a thin tail.
THIN_TAIL_SHARE = 0.2
#: Days whose median daily order count is "the usual level".
THIN_TAIL_LOOKBACK = 28
#: How far back the usual level is looked for (days).
THIN_TAIL_HORIZON = 120


def before_thin_tail(days: pd.Series, candidate: pd.Timestamp) -> pd.Timestamp:
    """The latest day at or before ``candidate`` that is not part of a thin tail.

    The usual level of a day is the highest 28-day median daily order count reached in the
    ``THIN_TAIL_HORIZON`` days before it, so a tail longer than the lookback still stands out.
    """
    if days.empty:
        return candidate
    start = days.min()
    if (candidate - start).days < 2 * THIN_TAIL_LOOKBACK:
        return candidate
    calendar = pd.date_range(start, candidate, freq="D")
    counts = days.value_counts().reindex(calendar, fill_value=0).astype(float)
    medians = counts.rolling(THIN_TAIL_LOOKBACK, min_periods=THIN_TAIL_LOOKBACK).median()
    usual = medians.rolling(THIN_TAIL_HORIZON, min_periods=1).max().shift(1)
    for back in range(3 * THIN_TAIL_LOOKBACK):
        d = candidate - pd.Timedelta(days=back)
        if d not in usual.index or pd.isna(usual[d]):
            break
        if counts[d] >= THIN_TAIL_SHARE * usual[d]:
            return d
    return candidate


def orders_as_of(df: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    """The orders known at ``cutoff`` (see :func:`as_of`), with ``ship_time_unknown``."""
    created = timestamps(df["created_at"]) if "created_at" in df else None
    paid = timestamps(df["paid_at"]) if "paid_at" in df else None
    if created is not None:
        keep = created < cutoff
        if paid is not None:
            keep = keep | (created.isna() & (paid < cutoff))
        df = df.loc[keep]
    df = df.copy()
    # A record that says it shipped (or was delivered) but carries no shipping time
    # is a gap in the export, not an order still waiting: flag it before the cut
    # erases the difference between "shipped later" and "time never recorded".
    recorded = timestamps(df["shipped_at"]).notna() if "shipped_at" in df else False
    status = df["status"] if "status" in df else pd.Series("", index=df.index)
    df[SHIP_TIME_UNKNOWN] = ~recorded & status.isin(SHIPPED_STATUSES)
    for col in ("created_at", "paid_at", "shipped_at"):
        if col in df.columns:
            ts = timestamps(df[col])
            df[col] = ts.where(ts < cutoff)
    return df


def as_of(tables: Mapping[str, pd.DataFrame], run_date: Any) -> dict[str, pd.DataFrame]:
    """Cut every table to what was known at the end of ``run_date`` (no future leak).

    With ``cutoff = run_date + 1 day``:

    * ``orders``: rows created at or after the cutoff are removed; ``paid_at >= cutoff``
      becomes NaT (unpaid as of the run; ``paid_amount`` is kept but not counted since GMV
      counts paid orders only); ``shipped_at >= cutoff`` becomes NaT. ``status`` is left as
      exported and never used for timing; a column ``ship_time_unknown`` flags orders whose
      status says shipped/completed but whose export has no ``shipped_at`` (a data gap:
      they are neither overdue nor counted in the shipping SLA).
    * ``order_items``: lines of removed orders are removed.
    * ``after_sales``: requests at or after the cutoff are removed.
    * ``traffic``, ``ad_spend``, ``inventory``: rows dated after ``run_date`` are removed.
    * ``market``, ``competitors``: months starting after ``run_date`` are removed.
    * ``customers``: rows first seen after ``run_date`` are removed.
    * ``products``, ``promotions`` (a calendar known in advance) and anything else: kept.

    Parameters
    ----------
    tables : contract tables by name (or an intake ``Dataset``).
    run_date : the run date (str, date or Timestamp).

    Returns
    -------
    dict of new DataFrames (the inputs are not modified).
    """
    tables = table_map(tables)
    day = as_day(run_date)
    cutoff = day + ONE_DAY
    out: dict[str, pd.DataFrame] = {}
    for name, df in tables.items():
        if df is None:
            continue
        if name == "orders":
            out[name] = orders_as_of(df, cutoff)
        elif name == "after_sales" and "requested_at" in df.columns:
            out[name] = df.loc[timestamps(df["requested_at"]) < cutoff].copy()
        elif name in ("traffic", "ad_spend", "inventory") and "date" in df.columns:
            out[name] = df.loc[timestamps(df["date"]) <= day].copy()
        elif name in ("market", "competitors") and "month" in df.columns:
            out[name] = df.loc[timestamps(df["month"]) <= day].copy()
        elif name == "customers" and "first_seen" in df.columns:
            first = timestamps(df["first_seen"])
            out[name] = df.loc[first.isna() | (first <= day)].copy()
        else:
            out[name] = df.copy()
    if "order_items" in out and "orders" in out:
        items = out["order_items"]
        out["order_items"] = items.loc[
            isin_fast(items["order_id"], out["orders"]["order_id"])
        ].copy()
    return out
