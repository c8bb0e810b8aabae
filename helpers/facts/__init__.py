"""Per-run facts: the one place that scans order lines.

Every notebook section of a run starts from a :class:`Facts` object built for one run date
``D``. Building it is the only step that reads the (possibly millions of) order lines; all
the metrics downstream (:mod:`helpers.metrics.kpis`, :mod:`helpers.metrics.decomposition`,
:mod:`helpers.metrics.funnel`, :mod:`helpers.metrics.drilldown`, the alert rules) work on its small daily
tables.

No future leak
--------------
:func:`as_of` cuts every table at ``cutoff = D + 1 day`` (midnight after the run date) using
timestamps only -- the order ``status`` is an export-time value and is not trusted for
timing. A run for ``D`` therefore gives the same facts whatever happened afterwards.

Conventions
-----------
* ``date`` columns are ``datetime64[ns]`` at midnight; money is ``float64`` in the shop
  currency; counts are ``int64`` (``float64`` where they may be missing).
* Additive columns are 0 on a day without activity, except the traffic columns (``uv``,
  ``impressions``, ``cart_users``, ``fav_users``) and the ad columns (``ad_spend``,
  ``ad_gmv``), which are NaN on every row when their table (or the column) is absent, so that
  "no data" differs from "zero".
* Orders without a channel get the channel ``"未知"`` (unknown).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers import festivals
from helpers.settings import Settings

UNKNOWN_CHANNEL = "未知"
ONE_DAY = pd.Timedelta(days=1)
#: An order day whose latest timestamp is at or after this hour counts as complete.
COMPLETE_DAY_HOUR = 23
#: Statuses of orders closed without shipping (never counted as waiting to ship).
CLOSED_STATUSES = ("cancelled", "refunded")
#: statuses that say the parcel left the warehouse
SHIPPED_STATUSES = ("shipped", "completed")
#: flag added by :func:`as_of` (see there)
SHIP_TIME_UNKNOWN = "ship_time_unknown"

TRAFFIC_COLUMNS = {
    "visitors": "uv",
    "impressions": "impressions",
    "add_to_cart_users": "cart_users",
    "favorite_users": "fav_users",
}
AD_COLUMNS = {"spend": "ad_spend", "attributed_gmv": "ad_gmv"}

DAILY_COLUMNS = [
    "date",
    "gmv",
    "orders",
    "buyers",
    "units",
    "new_buyers",
    "returning_buyers",
    "guest_buyers",
    "uv",
    "impressions",
    "cart_users",
    "fav_users",
    "ad_spend",
    "ad_gmv",
    "refund_cases",
    "refund_amount",
    "complaint_cases",
    "ship_due",
    "ship_on_time",
    "phase",
    "promo",
]
DAILY_CHANNEL_COLUMNS = [
    "date",
    "channel",
    "gmv",
    "orders",
    "buyers",
    "units",
    "uv",
    "impressions",
    "cart_users",
    "fav_users",
    "ad_spend",
    "ad_gmv",
]
DAILY_ITEM_COLUMNS = ["date", "channel", "sku_id", "gmv", "units", "orders"]
ITEM_TRAFFIC_COLUMNS = ["date", "sku_id", "visitors", "cart_users", "fav_users"]
CUSTOMER_COLUMNS = ["customer_id", "first_paid_at", "last_paid_at", "orders", "gmv"]
OPEN_ORDER_COLUMNS = ["order_id", "channel", "paid_at", "hours_waiting"]
REFUND_COLUMNS = [
    "case_id",
    "order_id",
    "sku_id",
    "requested_at",
    "date",
    "refund_amount",
    "quantity",
    "reason",
    "type",
    "category",
]
PROMO_DAY_COLUMNS = ["date", "promo_id", "name", "phase"]

_FRAMES = (
    "daily",
    "daily_channel",
    "daily_item",
    "item_traffic",
    "customers",
    "open_orders",
    "refunds",
    "promo_days",
)
_META_FILE = "facts.json"
_FORMAT_VERSION = 1


@dataclass(frozen=True, eq=False)
class Facts:
    """Compact per-run facts for one run date (see the module docstring for conventions).

    Attributes
    ----------
    run_date : the run date ``D`` (midnight); nothing at or after ``D + 1 day`` is used.
    daily : one row per calendar day from the first order day to ``D``: ``date, gmv,
        orders, buyers, units, new_buyers, returning_buyers, guest_buyers, uv, impressions,
        cart_users, fav_users, ad_spend, ad_gmv, refund_cases, refund_amount,
        complaint_cases, ship_due, ship_on_time, phase, promo``.
    daily_channel : one row per day x channel (every channel seen in orders, channel-level
        traffic or ads, on every day): ``date, channel, gmv, orders, buyers, units, uv,
        impressions, cart_users, fav_users, ad_spend, ad_gmv``.
    daily_item : ``date, channel, sku_id, gmv, units, orders`` (rows with sales only); item
        gmv is the order's paid amount allocated pro rata to ``quantity x unit_price``.
    item_traffic : ``date, sku_id, visitors, cart_users, fav_users`` (item-level traffic
        summed over channels).
    customers : ``customer_id, first_paid_at, last_paid_at, orders, gmv`` over paid orders.
    open_orders : ``order_id, channel, paid_at, hours_waiting`` -- paid, not shipped by the
        cutoff, not cancelled/refunded; ``hours_waiting = (cutoff - paid_at)`` in hours.
    refunds : after-sales requests before the cutoff with ``date`` and product ``category``;
        money cases only (``complaint`` cases are counted in ``daily.complaint_cases``).
    promo_days : ``date, promo_id, name, phase`` from :func:`helpers.festivals.promo_days`.
    available : names of the contract tables that were present.
    """

    run_date: pd.Timestamp
    daily: pd.DataFrame
    daily_channel: pd.DataFrame
    daily_item: pd.DataFrame
    item_traffic: pd.DataFrame
    customers: pd.DataFrame
    open_orders: pd.DataFrame
    refunds: pd.DataFrame
    promo_days: pd.DataFrame
    available: frozenset[str]

    @property
    def cutoff(self) -> pd.Timestamp:
        """First instant not covered by the facts: ``run_date + 1 day``."""
        return self.run_date + ONE_DAY

    def has(self, name: str) -> bool:
        """Whether the contract table ``name`` was present when the facts were built."""
        return name in self.available


# --------------------------------------------------------------------------- helpers


def as_day(value: Any) -> pd.Timestamp:
    """Return ``value`` (str, date, Timestamp) as a midnight :class:`pandas.Timestamp`."""
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


def _datetime(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, errors="coerce").astype("datetime64[ns]")


def _num(s: pd.Series) -> np.ndarray:
    """Numeric values as float64 with missing values as NaN."""
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _blank(s: pd.Series) -> pd.Series:
    """True where a text value is missing or only whitespace."""
    return s.isna() | (s.astype("string").str.strip() == "").fillna(True).astype(bool)


def _table_map(tables: Any) -> Mapping[str, pd.DataFrame]:
    """Accept a mapping of tables or an intake ``Dataset`` (which has ``.tables``)."""
    if not isinstance(tables, Mapping) and hasattr(tables, "tables"):
        return tables.tables
    return tables


def _isin(s: pd.Series, values: pd.Series) -> np.ndarray:
    """``s.isin(values)`` through a hash index (fast for millions of string ids)."""
    index = pd.Index(values.dropna().unique())
    return index.get_indexer(s) >= 0


def _channel(df: pd.DataFrame) -> pd.Series:
    """The channel column with missing/blank values replaced by ``"未知"``."""
    if "channel" not in df.columns:
        return pd.Series(UNKNOWN_CHANNEL, index=df.index, dtype="str")
    ch = df["channel"].astype("str")
    return ch.where(~_blank(df["channel"]), UNKNOWN_CHANNEL)


def _empty(columns: list[str], dates: tuple[str, ...] = ("date",)) -> pd.DataFrame:
    df = pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    for c in dates:
        if c in df.columns:
            df[c] = df[c].astype("datetime64[ns]")
    return df


# --------------------------------------------------------------------------- as of


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
    stamps = [_datetime(orders[c]) for c in ("created_at", "paid_at") if c in orders.columns]
    if not stamps or orders.empty:
        raise ValueError("orders has no created_at/paid_at timestamps to find the last day")
    latest = max(s.max() for s in stamps)
    if pd.isna(latest):
        raise ValueError("orders has no created_at/paid_at timestamps to find the last day")
    day = latest.normalize()
    day = day if latest.hour >= COMPLETE_DAY_HOUR else day - ONE_DAY
    paid = stamps[-1] if "paid_at" in orders.columns else stamps[0]  # the day GMV counts on
    return _before_thin_tail(paid.dropna().dt.normalize(), day)


#: A trailing day with fewer orders than this share of the usual level is a thin tail.
THIN_TAIL_SHARE = 0.2
#: Days whose median daily order count is "the usual level".
THIN_TAIL_LOOKBACK = 28
#: How far back the usual level is looked for (days).
THIN_TAIL_HORIZON = 120


def _before_thin_tail(days: pd.Series, candidate: pd.Timestamp) -> pd.Timestamp:
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
    tables = _table_map(tables)
    day = as_day(run_date)
    cutoff = day + ONE_DAY
    out: dict[str, pd.DataFrame] = {}
    for name, df in tables.items():
        if df is None:
            continue
        if name == "orders":
            created = _datetime(df["created_at"]) if "created_at" in df else None
            paid = _datetime(df["paid_at"]) if "paid_at" in df else None
            if created is not None:
                keep = created < cutoff
                if paid is not None:
                    keep = keep | (created.isna() & (paid < cutoff))
                df = df.loc[keep]
            df = df.copy()
            # A record that says it shipped (or was delivered) but carries no shipping time
            # is a gap in the export, not an order still waiting: flag it before the cut
            # erases the difference between "shipped later" and "time never recorded".
            recorded = _datetime(df["shipped_at"]).notna() if "shipped_at" in df else False
            status = df["status"] if "status" in df else pd.Series("", index=df.index)
            df[SHIP_TIME_UNKNOWN] = ~recorded & status.isin(SHIPPED_STATUSES)
            for col in ("created_at", "paid_at", "shipped_at"):
                if col in df.columns:
                    ts = _datetime(df[col])
                    df[col] = ts.where(ts < cutoff)
            out[name] = df
        elif name == "after_sales" and "requested_at" in df.columns:
            out[name] = df.loc[_datetime(df["requested_at"]) < cutoff].copy()
        elif name in ("traffic", "ad_spend", "inventory") and "date" in df.columns:
            out[name] = df.loc[_datetime(df["date"]) <= day].copy()
        elif name in ("market", "competitors") and "month" in df.columns:
            out[name] = df.loc[_datetime(df["month"]) <= day].copy()
        elif name == "customers" and "first_seen" in df.columns:
            first = _datetime(df["first_seen"])
            out[name] = df.loc[first.isna() | (first <= day)].copy()
        else:
            out[name] = df.copy()
    if "order_items" in out and "orders" in out:
        items = out["order_items"]
        out["order_items"] = items.loc[_isin(items["order_id"], out["orders"]["order_id"])].copy()
    return out


# --------------------------------------------------------------------------- building


def _prepare_orders(orders: pd.DataFrame) -> pd.DataFrame:
    o = pd.DataFrame(
        {
            "order_id": orders["order_id"],
            "customer_id": orders["customer_id"],
            "created_at": _datetime(orders["created_at"]),
            "paid_at": _datetime(orders["paid_at"]),
            "shipped_at": (
                _datetime(orders["shipped_at"])
                if "shipped_at" in orders.columns
                else pd.Series(pd.NaT, index=orders.index, dtype="datetime64[ns]")
            ),
            "status": orders["status"] if "status" in orders.columns else pd.NA,
            SHIP_TIME_UNKNOWN: (
                orders[SHIP_TIME_UNKNOWN].astype(bool)
                if SHIP_TIME_UNKNOWN in orders.columns
                else False
            ),
            "paid_amount": _num(orders["paid_amount"]),
            "channel": _channel(orders),
        },
        index=orders.index,
    )
    o["paid_amount"] = o["paid_amount"].fillna(0.0)
    # A guest order (no customer id) is one buyer of its own; it never joins customer history.
    o["buyer_key"] = (
        o["customer_id"]
        .astype("object")
        .where(o["customer_id"].notna(), "guest:" + o["order_id"].astype(str))
    )
    o["is_guest"] = o["customer_id"].isna()
    return o.reset_index(drop=True)


def _measure_by(
    df: pd.DataFrame | None,
    columns: Mapping[str, str],
    keys: list[str],
) -> tuple[pd.DataFrame | None, list[str]]:
    """Sum the source ``columns`` (renamed) by ``keys``; columns absent or all-NaN are
    reported so the caller can keep them NaN instead of zero."""
    if df is None:
        return None, list(columns.values())
    data = {k: df[k] for k in keys}
    missing = []
    for src, dst in columns.items():
        if src in df.columns and df[src].notna().any():
            data[dst] = _num(df[src])
        else:
            missing.append(dst)
    present = [c for c in columns.values() if c not in missing]
    if not present:
        return None, missing
    return pd.DataFrame(data).groupby(keys, sort=False)[present].sum(), missing


def _fill_measures(
    base: pd.DataFrame,
    sums: pd.DataFrame | None,
    names: list[str],
    missing: list[str],
    keys: list[str],
) -> pd.DataFrame:
    """Join ``sums`` on ``keys``: 0 where a key has no row, NaN for ``missing`` columns."""
    if sums is not None and len(sums.columns):
        base = base.join(sums, on=keys)
    for name in names:
        if name in missing:
            base[name] = np.nan
        elif name not in base.columns:
            base[name] = 0.0
        else:
            base[name] = base[name].fillna(0.0).astype("float64")
    return base


def _traffic_parts(traffic: pd.DataFrame | None) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """Split traffic into channel-level rows (``sku_id`` empty) and item-level rows."""
    if traffic is None:
        return None, _empty(ITEM_TRAFFIC_COLUMNS)
    tr = traffic.copy()
    tr["date"] = _datetime(tr["date"]).dt.normalize()
    tr["channel"] = _channel(tr)
    item_level = ~_blank(tr["sku_id"]) if "sku_id" in tr.columns else pd.Series(False, tr.index)
    channel_rows = tr.loc[~item_level]
    item_rows = tr.loc[item_level]
    cols = {
        "visitors": "visitors",
        "add_to_cart_users": "cart_users",
        "favorite_users": "fav_users",
    }
    sums, missing = _measure_by(item_rows, cols, ["date", "sku_id"])
    if sums is None or sums.empty:
        item = _empty(ITEM_TRAFFIC_COLUMNS)
        item["sku_id"] = item["sku_id"].astype("str")
    else:
        item = sums.reset_index()
        for name in missing:
            item[name] = np.nan
        item = item[ITEM_TRAFFIC_COLUMNS].sort_values(["date", "sku_id"]).reset_index(drop=True)
    return channel_rows, item


def _allocate_lines(items: pd.DataFrame, paid: pd.DataFrame) -> pd.DataFrame:
    """Order lines of paid orders with ``gmv`` = paid amount pro rata to line value.

    ``line gmv = paid_amount x (quantity x unit_price) / sum over the order's lines``; when
    the order's line value is 0 the split is by quantity, and by line count if that is 0 too.
    """
    li = pd.DataFrame(
        {
            "order_id": items["order_id"],
            "sku_id": items["sku_id"],
            "quantity": _num(items["quantity"]),
            "unit_price": _num(items["unit_price"]) if "unit_price" in items else np.nan,
        }
    )
    li = li.merge(paid[["order_id", "date", "channel", "paid_amount"]], on="order_id")
    li["quantity"] = li["quantity"].fillna(0.0)
    value = (li["quantity"] * li["unit_price"]).fillna(0.0)
    g = li.groupby("order_id", sort=False)
    value_total = value.groupby(li["order_id"], sort=False).transform("sum")
    qty_total = g["quantity"].transform("sum")
    n_lines = g["quantity"].transform("size").astype("float64")
    share = np.where(
        value_total > 0,
        value / value_total.where(value_total > 0, 1.0),
        np.where(
            qty_total > 0, li["quantity"] / qty_total.where(qty_total > 0, 1.0), 1.0 / n_lines
        ),
    )
    li["gmv"] = li["paid_amount"] * share
    return li


def build_facts(
    tables: Mapping[str, pd.DataFrame],
    run_date: Any,
    settings: Settings | None = None,
) -> Facts:
    """Build the per-run :class:`Facts` for ``run_date`` (after :func:`as_of`).

    Definitions (all by calendar day ``d``):

    * ``gmv`` = sum of ``paid_amount`` of orders with ``paid_at`` on ``d`` (currency);
      ``orders`` = number of those orders; ``buyers`` = distinct ``customer_id`` among them,
      where each guest order (empty ``customer_id``) counts as one buyer;
      ``units`` = sum of their lines' ``quantity``.
    * ``new_buyers`` = identified buyers whose first paid order in the data is on ``d``
      (customers who bought before the data starts look new on the first days);
      ``guest_buyers`` = guest orders; ``returning_buyers = buyers - new_buyers -
      guest_buyers``. Guests never enter ``customers``.
    * ``uv, impressions, cart_users, fav_users`` = sums of channel-level traffic rows
      (``sku_id`` empty) of ``visitors, impressions, add_to_cart_users, favorite_users``.
    * ``ad_spend, ad_gmv`` = sums of ``ad_spend.spend, attributed_gmv``.
    * ``refund_cases, refund_amount`` = after-sales requests with ``requested_at`` on ``d``,
      complaints excluded; ``complaint_cases`` = complaint cases (no money back) on ``d``.
    * ``ship_due`` = orders paid ``ceil(ship_sla_hours / 24)`` days before ``d`` -- for the
      24 h SLA the previous day, whose deadlines (``paid_at + 24 h``) all fall within ``d``,
      so the count is final at the end of ``d`` -- not counting orders closed
      (cancelled/refunded) without ever shipping; ``ship_on_time`` = those with
      ``shipped_at - paid_at <= ship_sla_hours``. ``ship_on_time / ship_due`` is the
      发货时效 rate.
    * ``phase``/``promo`` = phase and name of the promotion covering ``d`` (NaN if none),
      from the ``promotions`` table, else the Chinese platform festivals when
      ``settings.platform_calendar == "cn"`` (the default), else none.

    Parameters
    ----------
    tables : contract tables by name (or an intake ``Dataset``); ``orders`` and
        ``order_items`` are required.
    run_date : the run date ``D``.
    settings : run settings (only ``thresholds.ship_sla_hours`` is used); defaults if None.

    Returns
    -------
    Facts
    """
    settings = settings or Settings()
    tables = _table_map(tables)
    for name in ("orders", "order_items"):
        if tables.get(name) is None:
            raise KeyError(f"build_facts needs the {name!r} table")
    day = as_day(run_date)
    cutoff = day + ONE_DAY
    available = frozenset(k for k, v in tables.items() if v is not None)
    t = as_of(tables, day)

    orders = _prepare_orders(t["orders"])
    starts = [orders["created_at"].min(), orders["paid_at"].min()]
    starts = [s for s in starts if not pd.isna(s)]
    first_day = min(min(starts).normalize(), day) if starts else day
    dates = pd.DatetimeIndex(pd.date_range(first_day, day, freq="D"), name="date").astype(
        "datetime64[ns]"
    )

    paid = orders.loc[orders["paid_at"].notna()].copy()
    paid["date"] = paid["paid_at"].dt.normalize()
    lines = _allocate_lines(t["order_items"], paid)

    # customers (first/last paid order in the data up to the cutoff)
    cust = (
        paid.groupby("customer_id", sort=True)
        .agg(
            first_paid_at=("paid_at", "min"),
            last_paid_at=("paid_at", "max"),
            orders=("order_id", "size"),
            gmv=("paid_amount", "sum"),
        )
        .reset_index()
    )
    cust["orders"] = cust["orders"].astype("int64")
    new_by_day = cust["first_paid_at"].dt.normalize().value_counts()

    # ---- daily
    daily = pd.DataFrame(index=dates)
    by_day = paid.groupby("date").agg(
        gmv=("paid_amount", "sum"),
        orders=("order_id", "size"),
        buyers=("buyer_key", "nunique"),
        guest_buyers=("is_guest", "sum"),
    )
    daily = daily.join(by_day)
    daily["units"] = lines.groupby("date")["quantity"].sum()
    daily["new_buyers"] = new_by_day
    for col in ("gmv", "units"):
        daily[col] = daily[col].fillna(0.0).astype("float64")
    for col in ("orders", "buyers", "new_buyers", "guest_buyers"):
        daily[col] = daily[col].fillna(0).astype("int64")
    daily["units"] = daily["units"].round().astype("int64")
    daily["returning_buyers"] = daily["buyers"] - daily["new_buyers"] - daily["guest_buyers"]

    channel_traffic, item_traffic = _traffic_parts(t.get("traffic"))
    daily = daily.reset_index()
    tsum, tmiss = _measure_by(channel_traffic, TRAFFIC_COLUMNS, ["date"])
    daily = _fill_measures(daily, tsum, list(TRAFFIC_COLUMNS.values()), tmiss, ["date"])
    ads = t.get("ad_spend")
    if ads is not None:
        ads = ads.assign(date=_datetime(ads["date"]).dt.normalize(), channel=_channel(ads))
    asum, amiss = _measure_by(ads, AD_COLUMNS, ["date"])
    daily = _fill_measures(daily, asum, list(AD_COLUMNS.values()), amiss, ["date"])

    # after-sales
    cases = _refunds(t.get("after_sales"), t.get("products"))
    complaint = cases["type"].astype("object").eq("complaint")
    refunds = cases.loc[~complaint].reset_index(drop=True)
    rby = refunds.groupby("date").agg(
        refund_cases=("case_id", "size"), refund_amount=("refund_amount", "sum")
    )
    daily = daily.join(rby, on="date")
    daily = daily.join(
        cases.loc[complaint].groupby("date").size().rename("complaint_cases"), on="date"
    )
    daily["refund_cases"] = daily["refund_cases"].fillna(0).astype("int64")
    daily["refund_amount"] = daily["refund_amount"].fillna(0.0).astype("float64")
    daily["complaint_cases"] = daily["complaint_cases"].fillna(0).astype("int64")

    # shipping SLA
    sla = float(settings.thresholds.ship_sla_hours)
    lag = pd.Timedelta(days=max(1, math.ceil(sla / 24.0)))
    closed_unshipped = paid["status"].isin(CLOSED_STATUSES) & paid["shipped_at"].isna()
    due = paid.loc[~closed_unshipped & ~paid[SHIP_TIME_UNKNOWN]]
    on_time = (due["shipped_at"] - due["paid_at"]) <= pd.Timedelta(hours=sla)
    ship = pd.DataFrame({"date": due["date"] + lag, "on_time": on_time.fillna(False)})
    sby = ship.groupby("date").agg(ship_due=("on_time", "size"), ship_on_time=("on_time", "sum"))
    daily = daily.join(sby, on="date")
    for col in ("ship_due", "ship_on_time"):
        daily[col] = daily[col].fillna(0).astype("int64")

    # promotions
    promotions = t.get("promotions")
    if promotions is None and settings.platform_calendar == "cn":
        promotions = festivals.platform_festivals(
            first_day.date(), (day + pd.Timedelta(days=60)).date()
        )
    pdays = festivals.promo_days(promotions)
    pdays = pdays.reindex(columns=PROMO_DAY_COLUMNS)
    pdays["date"] = pdays["date"].astype("datetime64[ns]")
    daily = daily.merge(
        pdays[["date", "phase", "name"]].rename(columns={"name": "promo"}), on="date", how="left"
    )
    daily = daily[DAILY_COLUMNS].reset_index(drop=True)

    # ---- daily_channel: every date x every channel seen
    channels = set(orders["channel"].unique())
    if channel_traffic is not None:
        channels |= set(channel_traffic["channel"].unique())
    if ads is not None:
        channels |= set(ads["channel"].unique())
    grid = pd.MultiIndex.from_product(
        [dates, sorted(channels)], names=["date", "channel"]
    ).to_frame(index=False)
    grid["channel"] = grid["channel"].astype("str")
    by_ch = paid.groupby(["date", "channel"]).agg(
        gmv=("paid_amount", "sum"),
        orders=("order_id", "size"),
        buyers=("buyer_key", "nunique"),
    )
    by_ch["units"] = lines.groupby(["date", "channel"])["quantity"].sum()
    dc = grid.join(by_ch, on=["date", "channel"])
    dc["gmv"] = dc["gmv"].fillna(0.0).astype("float64")
    for col in ("orders", "buyers"):
        dc[col] = dc[col].fillna(0).astype("int64")
    dc["units"] = dc["units"].fillna(0.0).round().astype("int64")
    tsum_c, _ = _measure_by(channel_traffic, TRAFFIC_COLUMNS, ["date", "channel"])
    dc = _fill_measures(dc, tsum_c, list(TRAFFIC_COLUMNS.values()), tmiss, ["date", "channel"])
    asum_c, _ = _measure_by(ads, AD_COLUMNS, ["date", "channel"])
    dc = _fill_measures(dc, asum_c, list(AD_COLUMNS.values()), amiss, ["date", "channel"])
    dc = dc[DAILY_CHANNEL_COLUMNS].sort_values(["date", "channel"]).reset_index(drop=True)

    # ---- daily_item
    di = (
        lines.groupby(["date", "channel", "sku_id"], sort=True)
        .agg(gmv=("gmv", "sum"), units=("quantity", "sum"), orders=("order_id", "nunique"))
        .reset_index()
    )
    di["units"] = di["units"].round().astype("int64")
    di["orders"] = di["orders"].astype("int64")
    di["gmv"] = di["gmv"].astype("float64")
    di = di[DAILY_ITEM_COLUMNS]

    # ---- open orders
    open_mask = orders["paid_at"].notna() & orders["shipped_at"].isna()
    open_mask &= ~orders["status"].isin(CLOSED_STATUSES) & ~orders[SHIP_TIME_UNKNOWN]
    oo = orders.loc[open_mask, ["order_id", "channel", "paid_at"]].copy()
    oo["hours_waiting"] = (cutoff - oo["paid_at"]) / pd.Timedelta(hours=1)
    oo = oo.sort_values(["hours_waiting", "order_id"], ascending=[False, True]).reset_index(
        drop=True
    )

    return Facts(
        run_date=day,
        daily=daily,
        daily_channel=dc,
        daily_item=di,
        item_traffic=item_traffic,
        customers=cust[CUSTOMER_COLUMNS],
        open_orders=oo[OPEN_ORDER_COLUMNS],
        refunds=refunds,
        promo_days=pdays.reset_index(drop=True),
        available=available,
    )


def _refunds(after_sales: pd.DataFrame | None, products: pd.DataFrame | None) -> pd.DataFrame:
    """After-sales requests with their request day and product category."""
    if after_sales is None:
        out = _empty(REFUND_COLUMNS, dates=("date", "requested_at"))
        for c in ("case_id", "order_id", "sku_id", "reason", "type", "category"):
            out[c] = out[c].astype("object")
        return out
    a = after_sales
    out = pd.DataFrame(index=a.index)
    for col in REFUND_COLUMNS:
        if col in ("date", "category"):
            continue
        out[col] = a[col] if col in a.columns else np.nan
    out["requested_at"] = _datetime(out["requested_at"])
    out["date"] = out["requested_at"].dt.normalize()
    out["refund_amount"] = _num(out["refund_amount"])
    out["category"] = np.nan
    if products is not None and "category" in products.columns and "sku_id" in a.columns:
        cat = products.drop_duplicates("sku_id").set_index("sku_id")["category"]
        out["category"] = out["sku_id"].map(cat)
    out = out[REFUND_COLUMNS].sort_values(["requested_at", "case_id"]).reset_index(drop=True)
    return out


# --------------------------------------------------------------------------- storage


def save_facts(facts: Facts, path: str | Path) -> Path:
    """Write ``facts`` to the folder ``path``: one parquet file per frame plus
    ``facts.json`` (run date, available tables, format version). Returns the folder."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    for name in _FRAMES:
        getattr(facts, name).to_parquet(folder / f"{name}.parquet", index=False)
    meta = {
        "format": _FORMAT_VERSION,
        "run_date": facts.run_date.strftime("%Y-%m-%d"),
        "available": sorted(facts.available),
    }
    (folder / _META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    return folder


def load_facts(path: str | Path) -> Facts:
    """Read facts written by :func:`save_facts`."""
    folder = Path(path)
    meta = json.loads((folder / _META_FILE).read_text("utf-8"))
    if meta.get("format") != _FORMAT_VERSION:
        raise ValueError(f"facts in {folder.name} have format {meta.get('format')!r}")
    frames: dict[str, pd.DataFrame] = {}
    for name in _FRAMES:
        df = pd.read_parquet(folder / f"{name}.parquet")
        for col in df.columns:
            if col in ("date", "paid_at", "requested_at", "first_paid_at", "last_paid_at"):
                df[col] = df[col].astype("datetime64[ns]")
        frames[name] = df
    names = {f.name for f in fields(Facts)}
    assert set(frames) | {"run_date", "available"} == names
    return Facts(
        run_date=as_day(meta["run_date"]),
        available=frozenset(meta["available"]),
        **frames,
    )
