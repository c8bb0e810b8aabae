"""The cut at the run date: the last complete day of the data, and every table as known at
the end of the run date (no future leak)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from helpers.facts.frames import ONE_DAY, as_day, isin_fast, table_map, timestamps
from helpers.facts.model import COMPLETE_DAY_HOUR, SHIP_TIME_UNKNOWN, SHIPPED_STATUSES

#: A trailing group of order days this many days after the rest is isolated ...
ISOLATED_GAP_DAYS = 30
#: ... when it holds at most this many orders (or :data:`ISOLATED_SHARE` of them).
ISOLATED_MAX_ROWS = 5
ISOLATED_SHARE = 0.01


def order_stamps(orders: pd.DataFrame) -> pd.Series:
    """Each order's latest ``created_at`` / ``paid_at`` timestamp (NaT when it has none)."""
    stamps = [timestamps(orders[c]) for c in ("created_at", "paid_at") if c in orders.columns]
    if not stamps:
        return pd.Series(pd.NaT, index=orders.index, dtype="datetime64[ns]")
    return pd.concat(stamps, axis=1).max(axis=1)


def isolated_future(stamps: pd.Series) -> pd.Series:
    """Rows dated far after the bulk of the data: typos such as 2030 or 2099.

    Walking back from the latest day, a gap of more than :data:`ISOLATED_GAP_DAYS` days
    between two consecutive order days, with at most ``max(ISOLATED_MAX_ROWS,
    ISOLATED_SHARE x rows)`` rows after it, isolates those rows; the earliest such gap wins.

    Returns a boolean mask over ``stamps``.
    """
    days = stamps.dropna().dt.normalize()
    if days.empty:
        return pd.Series(False, index=stamps.index)
    counts = days.value_counts().sort_index()
    limit = max(ISOLATED_MAX_ROWS, ISOLATED_SHARE * len(days))
    after, cut = 0, None
    for i in range(len(counts) - 1, 0, -1):
        after += int(counts.iloc[i])
        if after > limit:
            break
        if (counts.index[i] - counts.index[i - 1]).days > ISOLATED_GAP_DAYS:
            cut = counts.index[i]
    if cut is None:
        return pd.Series(False, index=stamps.index)
    return stamps.notna() & (stamps >= cut)


def _time_of_day_known(stamps: pd.Series) -> bool:
    """Whether the timestamps carry a time of day (date-only data is all at midnight)."""
    s = stamps.dropna()
    return bool((s != s.dt.normalize()).any())


def last_complete_day(orders: pd.DataFrame) -> pd.Timestamp:
    """The last calendar day the order data fully covers.

    Rule, in three steps:

    0. Orders dated far after the rest (:func:`isolated_future`: a typo year such as 2030
       or 2099) are left out.
    1. Take the latest ``created_at`` / ``paid_at`` timestamp ``t``. If ``t`` is at or after
       23:00, or the data has no time of day at all (dates only), its day is considered
       complete (a shop with any evening trade has an order in the last hour); otherwise
       the export was cut during the day and the candidate is the day before.
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
    if orders.empty or not ({"created_at", "paid_at"} & set(orders.columns)):
        raise ValueError("orders has no created_at/paid_at timestamps to find the last day")
    orders = orders.loc[~isolated_future(order_stamps(orders))]
    stamps = [timestamps(orders[c]) for c in ("created_at", "paid_at") if c in orders.columns]
    latest = max(s.max() for s in stamps)
    if pd.isna(latest):
        raise ValueError("orders has no created_at/paid_at timestamps to find the last day")
    day = latest.normalize()
    complete = latest.hour >= COMPLETE_DAY_HOUR or not any(_time_of_day_known(s) for s in stamps)
    day = day if complete else day - ONE_DAY
    paid = stamps[-1] if "paid_at" in orders.columns else stamps[0]  # the day GMV counts on
    return before_thin_tail(paid.dropna().dt.normalize(), day)


def data_range(orders: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp, bool]:
    """First and last day of the orders (isolated far-future rows left out) and whether the
    last day is cut off (the export ends before 23:00 on a day with times of day).

    Raises ``ValueError`` when the orders have no timestamps.
    """
    stamps = order_stamps(orders)
    stamps = stamps.loc[~isolated_future(stamps)].dropna()
    if stamps.empty:
        raise ValueError("orders has no created_at/paid_at timestamps")
    latest = stamps.max()
    cut = latest.hour < COMPLETE_DAY_HOUR and _time_of_day_known(stamps)
    return stamps.min().normalize(), latest.normalize(), bool(cut)


def cut_off_at(orders: pd.DataFrame, run_date: Any) -> pd.Timestamp | None:
    """The export's last timestamp when ``run_date`` is the orders' last day and that day is
    cut off (the export ends before 23:00 on data with times of day); None otherwise. The
    figures of such a day are partial and must be flagged as such."""
    try:
        _, last, cut = data_range(orders)
    except ValueError:
        return None
    if not cut or pd.Timestamp(run_date).normalize() != last:
        return None
    stamps = order_stamps(orders)
    return stamps.loc[~isolated_future(stamps)].max()


def checked_run_date(orders: pd.DataFrame, run_date: Any) -> pd.Timestamp:
    """``run_date`` as a midnight timestamp when it lies within the orders' days; the last
    complete day (:func:`last_complete_day`) when it is None or empty.

    Raises ``ValueError`` stating the data's range when the date lies outside it (a report
    of zeros for a day the data does not cover would read as a day without trade).
    """
    if run_date is None or (isinstance(run_date, str) and not run_date.strip()):
        return last_complete_day(orders)
    day = pd.Timestamp(run_date).normalize()
    first, last, _ = data_range(orders)
    if not first <= day <= last:
        raise ValueError(
            f"run date {day:%Y-%m-%d} is outside the data: the orders run from "
            f"{first:%Y-%m-%d} to {last:%Y-%m-%d}; pick a date in that range, or leave the "
            "date out for the last complete day"
        )
    return day


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
