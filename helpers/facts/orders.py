"""The one scan of orders and order lines: parsed orders, the paid ones by day, order
lines with their share of the paid amount, and the orders still waiting to ship."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.facts.frames import channel_or_unknown, numbers, timestamps
from helpers.facts.model import CLOSED_STATUSES, OPEN_ORDER_COLUMNS, SHIP_TIME_UNKNOWN


def prepare_orders(orders: pd.DataFrame) -> pd.DataFrame:
    """The columns the facts read, parsed: timestamps, numbers, channel (未知 if blank),
    ``buyer_key`` (customer id, or ``guest:<order id>`` for a guest order) and ``is_guest``."""
    o = pd.DataFrame(
        {
            "order_id": orders["order_id"],
            "customer_id": orders["customer_id"],
            "created_at": timestamps(orders["created_at"]),
            "paid_at": timestamps(orders["paid_at"]),
            "shipped_at": (
                timestamps(orders["shipped_at"])
                if "shipped_at" in orders.columns
                else pd.Series(pd.NaT, index=orders.index, dtype="datetime64[ns]")
            ),
            "status": orders["status"] if "status" in orders.columns else pd.NA,
            SHIP_TIME_UNKNOWN: (
                orders[SHIP_TIME_UNKNOWN].astype(bool)
                if SHIP_TIME_UNKNOWN in orders.columns
                else False
            ),
            "paid_amount": numbers(orders["paid_amount"]),
            "shipping_fee": (
                numbers(orders["shipping_fee"]) if "shipping_fee" in orders.columns else np.nan
            ),
            "channel": channel_or_unknown(orders),
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


def order_days(orders: pd.DataFrame, day: pd.Timestamp) -> pd.DatetimeIndex:
    """Every calendar day from the first order (created or paid) to ``day``, named ``date``."""
    return calendar(first_order_day(orders), day)


def first_order_day(orders: pd.DataFrame) -> pd.Timestamp | None:
    """The day of the earliest ``created_at`` / ``paid_at`` (None without any)."""
    starts = [orders["created_at"].min(), orders["paid_at"].min()]
    starts = [s for s in starts if not pd.isna(s)]
    return min(starts).normalize() if starts else None


def calendar(first_day: pd.Timestamp | None, day: pd.Timestamp) -> pd.DatetimeIndex:
    """Every day from ``first_day`` (``day`` when None or later) to ``day``, named ``date``."""
    start = min(first_day, day) if first_day is not None else day
    days = pd.date_range(start, day, freq="D", name="date")
    return pd.DatetimeIndex(days.astype("datetime64[ns]"), name="date")


def paid_orders(orders: pd.DataFrame) -> pd.DataFrame:
    """Orders with a payment time, with ``date`` = the payment day."""
    paid = orders.loc[orders["paid_at"].notna()].copy()
    paid["date"] = paid["paid_at"].dt.normalize()
    return paid


def allocate_lines(items: pd.DataFrame, paid: pd.DataFrame) -> pd.DataFrame:
    """Order lines of paid orders with ``gmv`` = paid amount pro rata to line value.

    ``line gmv = paid_amount x (quantity x unit_price) / sum over the order's lines``; when
    the order's line value is 0 the split is by quantity, and by line count if that is 0 too.
    """
    li = pd.DataFrame(
        {
            "order_id": items["order_id"],
            "sku_id": items["sku_id"],
            "quantity": numbers(items["quantity"]),
            "unit_price": numbers(items["unit_price"]) if "unit_price" in items else np.nan,
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


def waiting_orders(orders: pd.DataFrame) -> pd.DataFrame:
    """``order_id, channel, paid_at`` of paid orders not shipped by the cutoff, not closed
    and not flagged ``ship_time_unknown``."""
    open_mask = orders["paid_at"].notna() & orders["shipped_at"].isna()
    open_mask &= ~orders["status"].isin(CLOSED_STATUSES) & ~orders[SHIP_TIME_UNKNOWN]
    return orders.loc[open_mask, ["order_id", "channel", "paid_at"]]


def hours_waiting(waiting: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    """:func:`waiting_orders` with ``hours_waiting = (cutoff - paid_at)`` in hours, longest
    waiting first (then by order id)."""
    oo = waiting.copy()
    waited = cutoff - oo["paid_at"]
    oo["hours_waiting"] = waited / pd.Timedelta(hours=1)  # type: ignore[operator]  # stubs lack Series[Timedelta] / Timedelta
    oo = oo.sort_values(["hours_waiting", "order_id"], ascending=[False, True]).reset_index(
        drop=True
    )
    return oo[OPEN_ORDER_COLUMNS]


def open_orders(orders: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    """Paid orders not shipped by ``cutoff`` and not closed, longest waiting first:
    ``hours_waiting = (cutoff - paid_at)`` in hours."""
    return hours_waiting(waiting_orders(orders), cutoff)
