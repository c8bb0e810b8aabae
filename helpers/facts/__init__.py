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

Layout
------
``cutoff`` (as_of, last_complete_day) -> ``orders`` (the one scan of orders and order
lines) -> one module per fact table (``daily``, ``channels``, ``items``, ``customers``,
``refunds``, ``buyer_categories``, ``shipping``) -> ``build`` (build_facts calls them in order); ``model`` holds :class:`Facts`,
the column lists and save/load; ``frames`` small shared helpers.
"""

from __future__ import annotations

from helpers.facts.build import build_facts
from helpers.facts.cutoff import (
    THIN_TAIL_HORIZON,
    THIN_TAIL_LOOKBACK,
    THIN_TAIL_SHARE,
    as_of,
    checked_run_date,
    cut_off_at,
    data_range,
    isolated_future,
    last_complete_day,
    order_stamps,
)
from helpers.facts.frames import ONE_DAY, UNKNOWN_CHANNEL, as_day
from helpers.facts.model import (
    AD_COLUMNS,
    BUYER_CATEGORY_COLUMNS,
    CLOSED_STATUSES,
    COMPLETE_DAY_HOUR,
    CUSTOMER_COLUMNS,
    DAILY_CHANNEL_COLUMNS,
    DAILY_COLUMNS,
    DAILY_ITEM_COLUMNS,
    ITEM_TRAFFIC_COLUMNS,
    OPEN_ORDER_COLUMNS,
    PROMO_DAY_COLUMNS,
    REFUND_COLUMNS,
    SHIP_TIME_UNKNOWN,
    SHIPPED_STATUSES,
    SHIPPING_FEE_COLUMNS,
    TRAFFIC_COLUMNS,
    Facts,
    load_facts,
    save_facts,
)

__all__ = [
    "AD_COLUMNS",
    "BUYER_CATEGORY_COLUMNS",
    "CLOSED_STATUSES",
    "COMPLETE_DAY_HOUR",
    "CUSTOMER_COLUMNS",
    "DAILY_CHANNEL_COLUMNS",
    "DAILY_COLUMNS",
    "DAILY_ITEM_COLUMNS",
    "Facts",
    "ITEM_TRAFFIC_COLUMNS",
    "ONE_DAY",
    "OPEN_ORDER_COLUMNS",
    "PROMO_DAY_COLUMNS",
    "REFUND_COLUMNS",
    "SHIPPED_STATUSES",
    "SHIPPING_FEE_COLUMNS",
    "SHIP_TIME_UNKNOWN",
    "THIN_TAIL_HORIZON",
    "THIN_TAIL_LOOKBACK",
    "THIN_TAIL_SHARE",
    "TRAFFIC_COLUMNS",
    "UNKNOWN_CHANNEL",
    "as_day",
    "as_of",
    "build_facts",
    "checked_run_date",
    "cut_off_at",
    "data_range",
    "isolated_future",
    "last_complete_day",
    "load_facts",
    "order_stamps",
    "save_facts",
]
