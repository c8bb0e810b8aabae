"""The order-line facts as ibis expressions: one definition for every engine.

The functions here take ibis tables of the canonical ``orders`` and ``order_items`` tables
(:mod:`helpers.contract`) and return ibis expressions; nothing is computed until a backend
executes them (:mod:`helpers.facts.engines`: DuckDB in process, or Spark). They state the
same definitions as the pandas builders of :mod:`helpers.facts` (which stay the reference
implementation) and the equivalence tests in ``tests/facts/test_engines.py`` hold the two
together:

* the cut at the run date (:func:`cut_orders`, as :func:`helpers.facts.cutoff.as_of`);
* the pro-rata line GMV (:func:`order_lines`, as :func:`helpers.facts.orders.allocate_lines`);
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


def order_lines(items: ir.Table, paid: ir.Table) -> ir.Table:
    """Order lines of paid orders with ``gmv`` = paid amount pro rata to line value.

    ``line gmv = paid_amount x (quantity x unit_price) / sum over the order's lines``; when
    the order's line value is 0 the split is by quantity, and by line count if that is 0 too
    (``quantity`` NULL counts 0, a line without ``unit_price`` has value 0 in the split).
    """
    price = _column(items, "unit_price", "float64").cast("float64")
    li = items.select(
        order_id=items["order_id"],
        sku_id=items["sku_id"],
        quantity=items["quantity"].cast("float64").fill_null(0.0),
        unit_price=price,
    )
    li = li.inner_join(paid.select("order_id", "date", "channel", "paid_amount"), "order_id")
    li = li.mutate(value=(li["quantity"] * li["unit_price"]).fill_null(0.0))
    totals = li.group_by("order_id").aggregate(
        value_total=li["value"].sum(), qty_total=li["quantity"].sum(), n_lines=li.count()
    )
    li = li.inner_join(totals, "order_id")
    share = ibis.cases(
        (li["value_total"] > 0, li["value"] / li["value_total"]),
        (li["qty_total"] > 0, li["quantity"] / li["qty_total"]),
        else_=1.0 / li["n_lines"].cast("float64"),
    )
    gmv = li["paid_amount"] * share
    return li.mutate(gmv=gmv).drop("value", "value_total", "qty_total", "n_lines")


def sales_by_day(paid: ir.Table, lines: ir.Table) -> ir.Table:
    """Per payment day: ``gmv, orders, buyers, guest_buyers`` of the paid orders (``buyers``
    = distinct ``buyer_key``) and ``units`` (sum of line quantities; NULL without lines)."""
    by_day = paid.group_by("date").aggregate(
        gmv=paid["paid_amount"].sum(),
        orders=paid.count(),
        buyers=paid["buyer_key"].nunique(),
        guest_buyers=paid["is_guest"].cast("int64").sum(),
    )
    units = lines.group_by("date").aggregate(units=lines["quantity"].sum())
    return by_day.left_join(units, "date").select(*by_day.columns, "units")


def channel_sales(paid: ir.Table, lines: ir.Table) -> ir.Table:
    """Per payment day x channel: ``gmv, orders, buyers`` of the paid orders and ``units``."""
    keys = ["date", "channel"]
    by_ch = paid.group_by(keys).aggregate(
        gmv=paid["paid_amount"].sum(),
        orders=paid.count(),
        buyers=paid["buyer_key"].nunique(),
    )
    units = lines.group_by(keys).aggregate(units=lines["quantity"].sum())
    return by_ch.left_join(units, keys).select(*by_ch.columns, "units")


def daily_item(lines: ir.Table) -> ir.Table:
    """``date, channel, sku_id, gmv, units, orders`` of paid order lines: ``gmv`` = sum of
    line GMV, ``units`` = sum of quantities, ``orders`` = distinct orders."""
    return lines.group_by(["date", "channel", "sku_id"]).aggregate(
        gmv=lines["gmv"].sum(),
        units=lines["quantity"].sum(),
        orders=lines["order_id"].nunique(),
    )


def buyer_items(lines: ir.Table, paid: ir.Table) -> ir.Table:
    """``date, customer_id, sku_id, value`` of identified buyers (customer id neither NULL
    nor empty): ``value`` = sum of ``quantity x unit_price`` (lines without a price count 0)."""
    known = paid.filter(paid["customer_id"].notnull() & (paid["customer_id"] != ""))
    li = lines.select("order_id", "sku_id", "date", value=lines["quantity"] * lines["unit_price"])
    li = li.inner_join(known.select("order_id", "customer_id"), "order_id")
    return li.group_by(["date", "customer_id", "sku_id"]).aggregate(
        value=li["value"].sum().fill_null(0.0)
    )


def shipping_fees(lines: ir.Table, paid: ir.Table) -> ir.Table:
    """``date, sku_id, orders, shipping_fee`` over paid orders with a known fee: per item the
    orders hold, and for the whole shop (``sku_id`` ``""``)."""
    fee = paid.filter(paid["shipping_fee"].notnull()).select("order_id", "date", "shipping_fee")
    held = lines.select("order_id", "sku_id").distinct().inner_join(fee, "order_id")
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
    cut paid orders, for :func:`paid_days`. ``keep(name, table)``, when given, materializes
    the intermediate tables ``paid`` and ``lines`` once (an engine's
    temporary table), so that the queries that share them do not compute them again.
    ``choose(paid)``, when given, returns the paid orders whose per-day parts are wanted
    (the new or changed days of a day store, :mod:`helpers.facts.engine_days`); the
    other results always cover every order.
    """
    keep = keep or (lambda name, table: table)
    cut = cut_orders(orders, run_date + pd.Timedelta(days=1))
    paid = keep("paid", paid_orders(cut))
    part_paid = choose(paid) if choose else paid
    lines = keep("lines", order_lines(items, part_paid))
    return {
        "sales": sales_by_day(part_paid, lines),
        "channel": channel_sales(part_paid, lines),
        "item": daily_item(lines),
        "buyer_item": buyer_items(lines, part_paid),
        "shipping": shipping_fees(lines, part_paid),
        "customers": customers(paid),
        "ship": ship_counts(paid, sla_hours),
        "open_orders": open_orders(cut),
        "span": order_span(cut),
        "channels": order_channels(cut),
        "paid": paid,
    }
