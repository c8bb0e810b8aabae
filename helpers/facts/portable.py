"""The order-line facts as ibis expressions: one definition for every engine.

The functions here take ibis tables of the canonical ``orders`` and ``order_items`` tables
(:mod:`helpers.contract`) and return ibis expressions; nothing is computed until a backend
executes them (:mod:`helpers.facts.engines`: DuckDB in process, or Spark). They state the
same definitions as the pandas builders of :mod:`helpers.facts` (which stay the reference
implementation) and the equivalence tests in ``tests/facts/test_engines.py`` hold the two
together:

* the cut at the run date (:func:`cut_orders`, as :func:`helpers.facts.cutoff.as_of`);
* the pro-rata line GMV, summed per order and item (:func:`order_skus`, as
  :func:`helpers.facts.orders.allocate_lines`);
* the per-day parts of :mod:`helpers.facts.days` (sales, channel, item, buyer x item,
  shipping fees), the customers, the shipping-SLA counts and the open orders.

Everything that is not a scan of orders or order lines (traffic, ads, after-sales, the
promotion calendar, the zero-filled calendar grid) is small and is assembled in pandas from
these results by :func:`helpers.facts.build_facts`, whichever engine ran the scan.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable

import ibis
import ibis.expr.types as ir
import pandas as pd

from helpers.facts.frames import UNKNOWN_CHANNEL
from helpers.facts.model import CLOSED_STATUSES, SHIP_TIME_UNKNOWN, SHIPPED_STATUSES

#: Every character Python's ``str.strip`` removes, as a regular-expression class that RE2
#: (DuckDB) and Java (Spark) both read: a channel made of these only is blank.
_SPACES = "".join(
    f"\\x{{{c:04x}}}" for c in range(sys.maxunicode + 1) if chr(c).isspace()
)  # fmt: skip
BLANK_PATTERN = f"^[{_SPACES}]*$"


def _column(t: ir.Table, name: str, dtype: str) -> ir.Value:
    """Column ``name`` of ``t``, or a typed NULL when the table has no such column."""
    return t[name] if name in t.columns else ibis.null(dtype)


def channel_or_unknown(channel: ir.StringValue) -> ir.StringValue:
    """``channel`` with missing or whitespace-only values replaced by ``"未知"``."""
    blank = channel.isnull() | channel.re_search(BLANK_PATTERN).fill_null(True)
    return ibis.ifelse(blank, ibis.literal(UNKNOWN_CHANNEL), channel)


def cut_orders(orders: ir.Table, cutoff: pd.Timestamp) -> ir.Table:
    """The orders known at ``cutoff`` (see :func:`helpers.facts.cutoff.as_of`), parsed.

    Kept: ``created_at < cutoff``, or no ``created_at`` and ``paid_at < cutoff``.
    ``paid_at`` and ``shipped_at`` at or after the cutoff become NULL; ``ship_time_unknown``
    = status shipped/completed without any ``shipped_at`` (before the cut). Added:
    ``channel`` (未知 if blank), ``paid_amount`` (NULL -> 0), ``buyer_key`` (customer id,
    or ``guest:<order id>``) and ``is_guest``.
    """
    at = ibis.literal(cutoff.to_pydatetime(), type="timestamp")
    created, paid = orders["created_at"], orders["paid_at"]
    keep = (created.notnull() & (created < at)) | (created.isnull() & (paid < at).fill_null(False))
    o = orders.filter(keep.fill_null(False))
    shipped = _column(o, "shipped_at", "timestamp")
    status = _column(o, "status", "string")
    unknown = (shipped.isnull() & status.isin(SHIPPED_STATUSES)).fill_null(False)
    return o.select(
        order_id=o["order_id"],
        customer_id=o["customer_id"],
        created_at=o["created_at"],
        paid_at=ibis.ifelse(o["paid_at"] < at, o["paid_at"], ibis.null("timestamp")),
        shipped_at=ibis.ifelse(shipped < at, shipped, ibis.null("timestamp")),
        status=status,
        **{SHIP_TIME_UNKNOWN: unknown},
        paid_amount=o["paid_amount"].cast("float64").fill_null(0.0),
        shipping_fee=_column(o, "shipping_fee", "float64").cast("float64"),
        channel=channel_or_unknown(_column(o, "channel", "string")),
        buyer_key=o["customer_id"].fill_null(ibis.literal("guest:") + o["order_id"]),
        is_guest=o["customer_id"].isnull(),
    )


def paid_orders(orders: ir.Table) -> ir.Table:
    """Orders with a payment time, with ``date`` = the payment day (midnight)."""
    return orders.filter(orders["paid_at"].notnull()).mutate(date=orders["paid_at"].truncate("D"))


def order_skus(items: ir.Table, paid: ir.Table) -> ir.Table:
    """The lines of paid orders summed per order and item, with the pro-rata line GMV.

    One row per ``order_id, sku_id`` of a paid order, with the order's ``date, channel,
    customer_id, shipping_fee`` and the sums over the pair's lines of ``quantity``, ``value``
    (``quantity x unit_price``; NULL when no line of the pair has a price) and ``gmv``:
    ``line gmv = paid_amount x (quantity x unit_price) / sum over the order's lines``; when
    the order's line value is 0 the split is by quantity, and by line count if that is 0 too
    (``quantity`` NULL counts 0, a line without ``unit_price`` has value 0 in the split).
    The split is linear in the lines, so it is computed on the pairs' sums (as
    :func:`helpers.facts.orders.allocate_lines` does per line).

    Every per-day part reads this table: an item counted once per order (its ``orders``)
    is one row here, so no part needs a distinct count or a join back to the orders.
    """
    quantity = items["quantity"].cast("float64").fill_null(0.0)
    value = quantity * _column(items, "unit_price", "float64").cast("float64")
    pairs = items.group_by(["order_id", "sku_id"]).aggregate(
        quantity=quantity.sum(),
        value=value.sum(),
        split=value.fill_null(0.0).sum(),
        n_lines=items.count(),
    )
    totals = pairs.group_by("order_id").aggregate(
        value_total=pairs["split"].sum(),
        qty_total=pairs["quantity"].sum(),
        lines_total=pairs["n_lines"].sum(),
    )
    order = ["order_id", "date", "channel", "customer_id", "paid_amount", "shipping_fee"]
    li = pairs.inner_join(paid.select(*order), "order_id").inner_join(totals, "order_id")
    share = ibis.cases(
        (li["value_total"] > 0, li["split"] / li["value_total"]),
        (li["qty_total"] > 0, li["quantity"] / li["qty_total"]),
        else_=li["n_lines"].cast("float64") / li["lines_total"].cast("float64"),
    )
    return li.select(
        "order_id",
        "sku_id",
        "date",
        "channel",
        "customer_id",
        "shipping_fee",
        gmv=li["paid_amount"] * share,
        quantity=li["quantity"],
        value=li["value"],
    )


def sales_by_day(paid: ir.Table, skus: ir.Table) -> ir.Table:
    """Per payment day: ``gmv, orders, buyers, guest_buyers`` of the paid orders (``buyers``
    = distinct ``buyer_key``) and ``units`` (sum of line quantities; NULL without lines)."""
    by_day = paid.group_by("date").aggregate(
        gmv=paid["paid_amount"].sum(),
        orders=paid.count(),
        buyers=paid["buyer_key"].nunique(),
        guest_buyers=paid["is_guest"].cast("int64").sum(),
    )
    units = skus.group_by("date").aggregate(units=skus["quantity"].sum())
    return by_day.left_join(units, "date").select(*by_day.columns, "units")


def channel_sales(paid: ir.Table, skus: ir.Table) -> ir.Table:
    """Per payment day x channel: ``gmv, orders, buyers`` of the paid orders and ``units``."""
    keys = ["date", "channel"]
    by_ch = paid.group_by(keys).aggregate(
        gmv=paid["paid_amount"].sum(),
        orders=paid.count(),
        buyers=paid["buyer_key"].nunique(),
    )
    units = skus.group_by(keys).aggregate(units=skus["quantity"].sum())
    return by_ch.left_join(units, keys).select(*by_ch.columns, "units")


def daily_item(skus: ir.Table) -> ir.Table:
    """``date, channel, sku_id, gmv, units, orders`` of paid order lines (``skus``:
    :func:`order_skus`): ``gmv`` = sum of line GMV, ``units`` = sum of quantities,
    ``orders`` = distinct orders (one row of ``skus`` per order and item)."""
    return skus.group_by(["date", "channel", "sku_id"]).aggregate(
        gmv=skus["gmv"].sum(),
        units=skus["quantity"].sum(),
        orders=skus.count(),
    )


def identified(skus: ir.Table) -> ir.Table:
    """The rows of ``skus`` (:func:`order_skus`) of identified buyers: customer id neither
    NULL nor empty."""
    return skus.filter(skus["customer_id"].notnull() & (skus["customer_id"] != ""))


def buyer_items(skus: ir.Table) -> ir.Table:
    """``date, customer_id, sku_id, value`` of identified buyers (``skus``:
    :func:`order_skus`): ``value`` = sum of ``quantity x unit_price`` (lines without a
    price count 0)."""
    known = identified(skus)
    return known.group_by(["date", "customer_id", "sku_id"]).aggregate(
        value=known["value"].sum().fill_null(0.0)
    )


def buyer_categories(skus: ir.Table, products: ir.Table) -> ir.Table:
    """``date, customer_id, category, value`` of identified buyers: ``value`` = sum of
    ``quantity x unit_price`` of their lines per payment day and product category (lines
    without a price count 0; ``category`` NULL for an item ``products`` does not list).

    ``products``: ``sku_id, category`` with one row per item (see
    :func:`helpers.facts.buyer_categories.buyer_categories`, which computes the same from
    the per-day part :func:`buyer_items`)."""
    known = identified(skus).select("date", "customer_id", "sku_id", "value")
    li = known.left_join(products, "sku_id").select("date", "customer_id", "category", "value")
    return li.group_by(["date", "customer_id", "category"]).aggregate(
        value=li["value"].sum().fill_null(0.0)
    )


def shipping_fees(skus: ir.Table, paid: ir.Table) -> ir.Table:
    """``date, sku_id, orders, shipping_fee`` over paid orders with a known fee: per item the
    orders hold (``skus``: :func:`order_skus`, one row per order and item), and for the
    whole shop (``sku_id`` ``""``)."""
    fee = paid.filter(paid["shipping_fee"].notnull()).select("order_id", "date", "shipping_fee")
    held = skus.filter(skus["shipping_fee"].notnull())
    per_item = held.group_by(["date", "sku_id"]).aggregate(
        orders=held.count(), shipping_fee=held["shipping_fee"].sum()
    )
    shop = fee.group_by("date").aggregate(
        orders=fee.count(), shipping_fee=fee["shipping_fee"].sum()
    )
    shop = shop.select(
        "date", sku_id=ibis.literal(""), orders="orders", shipping_fee="shipping_fee"
    )
    return ibis.union(shop, per_item.select("date", "sku_id", "orders", "shipping_fee"))


def customers(paid: ir.Table) -> ir.Table:
    """``customer_id, first_paid_at, last_paid_at, orders, gmv`` of identified buyers."""
    known = paid.filter(paid["customer_id"].notnull())
    return known.group_by("customer_id").aggregate(
        first_paid_at=known["paid_at"].min(),
        last_paid_at=known["paid_at"].max(),
        orders=known.count(),
        gmv=known["paid_amount"].sum(),
    )


def ship_counts(paid: ir.Table, sla_hours: float) -> ir.Table:
    """``date, ship_due, ship_on_time``: orders paid ``max(1, ceil(sla / 24))`` days before
    ``date``, not closed without shipping and with a known shipping time; on time when
    ``shipped_at - paid_at <= sla_hours``."""
    lag = ibis.interval(days=max(1, math.ceil(sla_hours / 24.0)))
    closed = paid["status"].isin(CLOSED_STATUSES).fill_null(False) & paid["shipped_at"].isnull()
    due = paid.filter(~closed & ~paid[SHIP_TIME_UNKNOWN])
    limit = due["paid_at"] + ibis.interval(seconds=round(sla_hours * 3600))
    on_time = (due["shipped_at"] <= limit).fill_null(False)
    ship = due.select(date=due["date"] + lag, on_time=on_time.cast("int64"))
    return ship.group_by("date").aggregate(
        ship_due=ship.count(), ship_on_time=ship["on_time"].sum()
    )


def open_orders(orders: ir.Table) -> ir.Table:
    """``order_id, channel, paid_at`` of paid orders not shipped by the cutoff, not closed
    and without a shipped status lacking its time (hours waiting are added by the caller)."""
    is_open = orders["paid_at"].notnull() & orders["shipped_at"].isnull()
    is_open &= ~orders["status"].isin(CLOSED_STATUSES).fill_null(False)
    is_open &= ~orders[SHIP_TIME_UNKNOWN]
    return orders.filter(is_open).select("order_id", "channel", "paid_at")


def order_span(orders: ir.Table) -> ir.Table:
    """One row: ``first_created`` and ``first_paid``, the earliest order timestamps."""
    return orders.aggregate(
        first_created=orders["created_at"].min(), first_paid=orders["paid_at"].min()
    )


def order_channels(orders: ir.Table) -> ir.Table:
    """The distinct ``channel`` values of the orders (未知 for blank ones)."""
    return orders.select("channel").distinct()


def paid_days(paid: ir.Table, order_ids: ir.Table) -> ir.Table:
    """``order_id, date``: the payment day of the paid orders among ``order_ids``."""
    return paid.semi_join(order_ids, "order_id").select("order_id", "date")


def fact_expressions(
    orders: ir.Table,
    items: ir.Table,
    run_date: pd.Timestamp,
    sla_hours: float,
    keep: Callable[[str, ir.Table], ir.Table] | None = None,
    choose: Callable[[ir.Table], ir.Table] | None = None,
) -> dict[str, ir.Table]:
    """Every order and order-line expression for ``run_date`` (cutoff = run date + 1 day).

    Returns ``sales, channel, item, buyer_item, shipping`` (the per-day parts),
    ``customers``, ``ship``, ``open_orders``, ``span`` and ``channels``; also ``paid``, the
    cut paid orders, for :func:`paid_days`, and ``skus`` (:func:`order_skus`) for
    :func:`buyer_categories`. ``keep(name, table)``, when given, materializes the
    intermediate tables ``paid`` and ``skus`` once (an engine's temporary table), so that
    the queries that share them do not compute them again; the order lines are read once,
    into ``skus``. ``choose(paid)``, when given, returns the paid orders whose per-day
    parts are wanted (the new or changed days of a day store,
    :mod:`helpers.facts.engine_days`); ``skus`` then holds their lines only, and the other
    results always cover every order.
    """
    keep = keep or (lambda name, table: table)
    cut = cut_orders(orders, run_date + pd.Timedelta(days=1))
    paid = keep("paid", paid_orders(cut))
    part_paid = choose(paid) if choose else paid
    skus = keep("skus", order_skus(items, part_paid))
    return {
        "sales": sales_by_day(part_paid, skus),
        "channel": channel_sales(part_paid, skus),
        "item": daily_item(skus),
        "buyer_item": buyer_items(skus),
        "shipping": shipping_fees(skus, part_paid),
        "customers": customers(paid),
        "ship": ship_counts(paid, sla_hours),
        "open_orders": open_orders(cut),
        "span": order_span(cut),
        "channels": order_channels(cut),
        "paid": paid,
        "skus": skus,
    }
