"""The scan of orders and order lines, whichever engine runs it: :class:`OrderScan` holds
everything the facts need from those two (large) tables, as small pandas frames.

:func:`pandas_scan` is the reference implementation (with the per-day store of
:mod:`helpers.facts.days`); :mod:`helpers.facts.engines` fills the same object from the
portable expressions of :mod:`helpers.facts.portable` on DuckDB (with the same store,
:mod:`helpers.facts.engine_days`) or Spark.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from helpers.facts.customers import customers
from helpers.facts.cutoff import as_of
from helpers.facts.daily import ship_counts
from helpers.facts.days import DayStore, day_parts, incremental_parts
from helpers.facts.orders import (
    first_order_day,
    paid_orders,
    prepare_orders,
    waiting_orders,
)

#: the tables a scan reads (the other tables are cut and used in pandas by build_facts)
SCANNED = ("orders", "order_items")


@dataclass(frozen=True)
class OrderScan:
    """What the facts need from ``orders`` and ``order_items``, cut at the run date.

    Attributes
    ----------
    parts : the per-day parts of :data:`helpers.facts.days.PART_KEYS` (``sales, channel,
        item, buyer_item, shipping``) with their keys as columns, in key order.
    customers : ``customer_id, first_paid_at, last_paid_at, orders, gmv`` (by customer id).
    ship : ``date, ship_due, ship_on_time`` (:func:`helpers.facts.daily.ship_counts`).
    waiting : ``order_id, channel, paid_at`` of the orders waiting to ship.
    first_day : day of the earliest order timestamp (None without orders).
    channels : the distinct channels of the orders (未知 for blank ones).
    paid_days : ``order_id, date`` (payment day) of paid orders; at least those named by
        the after-sales cases.
    buyer_categories : the buyer x category facts
        (:func:`helpers.facts.buyer_categories.buyer_categories`) when the engine computed
        them itself (then ``parts`` need not hold ``buyer_item``); None: they are computed
        from ``parts["buyer_item"]`` and the products table.
    """

    parts: dict[str, pd.DataFrame]
    customers: pd.DataFrame
    ship: pd.DataFrame
    waiting: pd.DataFrame
    first_day: pd.Timestamp | None
    channels: pd.Series
    paid_days: pd.DataFrame
    buyer_categories: pd.DataFrame | None = None


def pandas_scan(
    tables: Mapping[str, pd.DataFrame],
    day: pd.Timestamp,
    sla_hours: float,
    days: DayStore | None = None,
) -> OrderScan:
    """:class:`OrderScan` of ``tables`` for the run date ``day`` computed with pandas; with
    ``days`` the per-day parts of unchanged payment days come from the store."""
    t = as_of({name: tables[name] for name in SCANNED}, day)
    orders = prepare_orders(t["orders"])
    paid = paid_orders(orders)
    if days is None:
        parts = day_parts(paid, t["order_items"])
    else:
        parts = incremental_parts(paid, t["order_items"], days)
    return OrderScan(
        parts=parts,
        customers=customers(paid),
        ship=ship_counts(paid, sla_hours),
        waiting=waiting_orders(orders),
        first_day=first_order_day(orders),
        channels=orders["channel"],
        paid_days=paid[["order_id", "date"]],
    )
