"""build_facts: the one scan of order lines, then one small function per fact table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from helpers.facts.buyer_categories import buyer_categories
from helpers.facts.channels import ad_rows, channel_grid, daily_channel
from helpers.facts.customers import new_buyers_by_day
from helpers.facts.cutoff import as_of
from helpers.facts.daily import daily_facts, daily_sales, promo_calendar
from helpers.facts.days import DayStore, indexed
from helpers.facts.frames import ONE_DAY, as_day, present_tables, table_map
from helpers.facts.items import traffic_parts
from helpers.facts.model import Facts
from helpers.facts.orders import calendar, hours_waiting
from helpers.facts.refunds import money_cases, refund_cases
from helpers.facts.scan import SCANNED, OrderScan, pandas_scan
from helpers.settings import Settings

if TYPE_CHECKING:
    from helpers.facts.engines import FactEngine


#: The small tables :func:`assemble` joins to the scan of orders and lines (the others are
#: not read: a data set read lazily from the intake cache never loads them for the facts).
JOINED = ("traffic", "ad_spend", "after_sales", "products", "promotions")


def build_facts(
    tables: Mapping[str, pd.DataFrame],
    run_date: Any,
    settings: Settings | None = None,
    *,
    days: DayStore | None = None,
    engine: FactEngine | None = None,
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
    days : a :class:`helpers.facts.days.DayStore`: the order-line facts of the payment days
        whose input rows are unchanged since it was saved are read from it, only new or
        changed days are computed (and the store updated); the facts equal a full build.
        Used by the pandas scan and the DuckDB engine (a Spark scan is a full build).
    engine : a :class:`helpers.facts.engines.FactEngine` (DuckDB or Spark) that scans the
        orders and order lines with the portable expressions of
        :mod:`helpers.facts.portable`; None scans them with pandas (the reference).

    Returns
    -------
    Facts
    """
    settings = settings or Settings()
    tables = table_map(tables)
    present = present_tables(tables)
    for name in SCANNED:
        if name not in present:
            raise KeyError(f"build_facts needs the {name!r} table")
    day = as_day(run_date)
    sla = float(settings.thresholds.ship_sla_hours)
    if engine is None:
        scan = pandas_scan(tables, day, sla, days)
    else:
        scan = engine.scan(tables, day, sla, days)
    t = as_of({k: tables[k] for k in JOINED if k in present}, day)
    return assemble(scan, t, day, settings, present)


def assemble(
    scan: OrderScan,
    t: Mapping[str, pd.DataFrame],
    day: pd.Timestamp,
    settings: Settings,
    available: frozenset[str],
) -> Facts:
    """The :class:`Facts` from a scan of orders and lines plus the other tables ``t``
    (already cut at the run date ``day``): the small tables are joined in pandas."""
    parts = indexed(scan.parts)
    dates = calendar(scan.first_day, day)
    channel_traffic, item_traffic = traffic_parts(t.get("traffic"))
    ads = ad_rows(t.get("ad_spend"))
    cases = refund_cases(t.get("after_sales"), t.get("products"), scan.paid_days)
    pdays = promo_calendar(t.get("promotions"), settings, dates[0], day)
    sales = daily_sales(dates, parts["sales"], new_buyers_by_day(scan.customers))
    grid = channel_grid(dates, scan.channels, channel_traffic, ads)
    return Facts(
        run_date=day,
        daily=daily_facts(sales, channel_traffic, ads, cases, scan.ship, pdays),
        daily_channel=daily_channel(grid, parts["channel"], channel_traffic, ads),
        daily_item=parts["item"],
        item_traffic=item_traffic,
        customers=scan.customers,
        open_orders=hours_waiting(scan.waiting, day + ONE_DAY),
        refunds=money_cases(cases),
        promo_days=pdays.reset_index(drop=True),
        buyer_categories=(
            scan.buyer_categories
            if scan.buyer_categories is not None
            else buyer_categories(parts["buyer_item"], t.get("products"))
        ),
        shipping_fees=parts["shipping"].reset_index(drop=True),
        available=available,
    )
