"""The facts model: the :class:`Facts` of one run, its column lists, saving and loading."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from helpers.facts.frames import ONE_DAY, UNKNOWN_CHANNEL, as_day

__all__ = ["UNKNOWN_CHANNEL"]  # re-exported: the channel of orders without one
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

#: additive sales measures shared by the daily and the channel facts
SALES_COLUMNS = ["gmv", "orders", "buyers", "units"]
DAILY_COLUMNS = [
    "date",
    *SALES_COLUMNS,
    "new_buyers",
    "returning_buyers",
    "guest_buyers",
    *TRAFFIC_COLUMNS.values(),
    *AD_COLUMNS.values(),
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
    *SALES_COLUMNS,
    *TRAFFIC_COLUMNS.values(),
    *AD_COLUMNS.values(),
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
    "order_paid_date",
]
PROMO_DAY_COLUMNS = ["date", "promo_id", "name", "phase"]
BUYER_CATEGORY_COLUMNS = ["date", "customer_id", "category", "value"]
SHIPPING_FEE_COLUMNS = ["date", "sku_id", "orders", "shipping_fee"]

FRAMES = (
    "daily",
    "daily_channel",
    "daily_item",
    "item_traffic",
    "customers",
    "open_orders",
    "refunds",
    "promo_days",
    "buyer_categories",
    "shipping_fees",
)
META_FILE = "facts.json"
FORMAT_VERSION = 1


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
    refunds : after-sales requests before the cutoff with ``date``, product ``category`` and
        ``order_paid_date`` (payment day of the order it names, NaT when none); money cases
        of goods only (``complaint`` cases are counted in ``daily.complaint_cases``; cases
        of non-product lines such as postage or fees are not refunds of goods).
    promo_days : ``date, promo_id, name, phase`` from :func:`helpers.festivals.promo_days`.
    buyer_categories : ``date, customer_id, category, value``: identified buyers' order-line
        value (``quantity x unit_price``) per payment day and product category.
    shipping_fees : ``date, sku_id, orders, shipping_fee``: orders with a known shipping fee
        and the sum of their fees per payment day, per item held (``sku_id`` ``""``: the
        whole shop).
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
    buyer_categories: pd.DataFrame
    shipping_fees: pd.DataFrame
    available: frozenset[str]

    @property
    def cutoff(self) -> pd.Timestamp:
        """First instant not covered by the facts: ``run_date + 1 day``."""
        return self.run_date + ONE_DAY

    def has(self, name: str) -> bool:
        """Whether the contract table ``name`` was present when the facts were built."""
        return name in self.available


def save_facts(facts: Facts, path: str | Path) -> Path:
    """Write ``facts`` to the folder ``path``: one parquet file per frame plus
    ``facts.json`` (run date, available tables, format version). Returns the folder."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    for name in FRAMES:
        getattr(facts, name).to_parquet(folder / f"{name}.parquet", index=False)
    meta = {
        "format": FORMAT_VERSION,
        "run_date": facts.run_date.strftime("%Y-%m-%d"),
        "available": sorted(facts.available),
    }
    (folder / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    return folder


def load_facts(path: str | Path) -> Facts:
    """Read facts written by :func:`save_facts`."""
    folder = Path(path)
    meta = json.loads((folder / META_FILE).read_text("utf-8"))
    if meta.get("format") != FORMAT_VERSION:
        raise ValueError(f"facts in {folder.name} have format {meta.get('format')!r}")
    frames: dict[str, pd.DataFrame] = {}
    for name in FRAMES:
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
