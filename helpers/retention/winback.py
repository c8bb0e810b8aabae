"""Dormant customers and the win-back list: ids, segment, last purchase, what they bought and
the suggested action. No personal data: the list carries customer ids only."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from helpers.facts.frames import isin_fast
from helpers.retention.rfm import segment_label
from helpers.sections import Text, pick

#: What each eight-way segment means and what to do with it: segment -> (meaning, action),
#: each as (zh, en).
PLAYBOOK: dict[str, tuple[Text, Text]] = {
    "重要价值": (
        (
            "最近买过、买得多、花得多：最好的客户",
            "Recent, frequent, big spenders: the best customers",
        ),
        (
            "专属客服与新品优先体验，保持关系，不要频繁打折",
            "VIP service and early access to new items; keep the relationship, avoid frequent discounts",
        ),
    ),
    "重要发展": (
        ("最近买过、花得多，但次数少", "Recent and big spend, but few orders"),
        (
            "推荐关联商品和会员权益，促成第二、三次购买",
            "Recommend related items and member benefits to win the 2nd and 3rd order",
        ),
    ),
    "重要保持": (
        ("买得多、花得多，但很久没来", "Frequent big spenders who have not been back for a while"),
        (
            "一对一回访提醒：新品、上新、专属券，先问原因",
            "Reach out one to one (new arrivals, a personal coupon); ask why they stopped",
        ),
    ),
    "重要挽留": (
        (
            "花得多，但次数少且很久没来：快要流失的大客户",
            "Big spend, few orders, long gone: valuable customers about to be lost",
        ),
        (
            "高价值召回：大额券或赠品，限时有效，跟踪是否回购",
            "High-value win-back: a large coupon or gift with a deadline; track whether they return",
        ),
    ),
    "一般价值": (
        ("最近买过、次数多，但单次花得少", "Recent and frequent but low spend"),
        ("满减门槛和搭配套餐，提高客单价", "Spend thresholds and bundles to lift the order value"),
    ),
    "一般发展": (
        ("最近的新客，只买过一次、花得不多", "Recent one-time buyers with low spend (mostly new)"),
        (
            "新客关怀：使用指导、晒单返券，引导第二次购买",
            "New-customer care: how-to tips, review rewards, a nudge to the second order",
        ),
    ),
    "一般保持": (
        ("曾经常买、花得少，最近没来", "Used to buy often with low spend; not recently"),
        (
            "节日或大促前推送提醒和小额券",
            "Reminders and small coupons before festivals and promotions",
        ),
    ),
    "一般挽留": (
        ("很久没来、次数少、花得少", "Long gone, few orders, low spend"),
        (
            "只在大促时低成本触达（短信、公众号），不单独投入",
            "Reach only at big promotions through cheap channels; no dedicated spend",
        ),
    ),
}
SIMPLE_MEANING: dict[str, Text] = {
    "高价值": ("近期活跃且累计花费在前列", "Active recently and among the top spenders"),
    "潜力": ("近期活跃，花费还不高", "Active recently, spend still modest"),
    "沉睡": ("超过沉睡天数没有购买", "No purchase for longer than the dormancy period"),
}

WINBACK_COLUMNS = [
    "customer_id",
    "segment",
    "last_purchase",
    "days_since",
    "orders",
    "spend",
    "last_items",
    "action",
]


def last_items(
    kept: pd.DataFrame,
    order_items: pd.DataFrame | Callable[[pd.Series], pd.DataFrame],
    products: pd.DataFrame | None = None,
    *,
    customers: pd.Index | pd.Series | None = None,
) -> pd.Series:
    """What each customer bought in their last kept order: item titles (or sku ids) joined
    with "、", indexed by customer id. Only the ``customers`` given are looked up.

    ``order_items`` is the order lines table, or a function giving the lines of the order
    ids it is passed (e.g. a narrow read of the cached table)."""
    last = kept.sort_values(["paid_at", "order_id"]).groupby("customer_id").tail(1)
    if customers is not None:
        last = last.loc[isin_fast(last["customer_id"], pd.Series(customers))]
    if callable(order_items):
        order_items = order_items(last["order_id"])
    lines = order_items.loc[isin_fast(order_items["order_id"].astype(str), last["order_id"])]
    name = lines["sku_id"].astype(str)
    if "title" in lines.columns:
        name = lines["title"].where(lines["title"].notna() & (lines["title"] != ""), name)
    if products is not None and "title" in products.columns:
        titles = products.dropna(subset=["title"]).drop_duplicates("sku_id")
        by_sku = titles.set_index(titles["sku_id"].astype(str))["title"]
        name = lines["sku_id"].astype(str).map(by_sku).fillna(name)
    names = pd.DataFrame({"order_id": lines["order_id"].astype(str), "name": name.astype(str)})
    joined = names.drop_duplicates().groupby("order_id")["name"].agg("、".join)
    return last.set_index("customer_id")["order_id"].map(joined).fillna("")


def dormant_top(rfm: pd.DataFrame, rows: int) -> pd.DataFrame:
    """The ``rows`` dormant customers (``simple_segment == 沉睡``) with the highest spend (ties
    by customer id)."""
    dormant = rfm.loc[rfm["simple_segment"] == "沉睡"]
    return dormant.sort_values(["monetary", "customer_id"], ascending=[False, True]).head(rows)


def winback_list(
    rfm: pd.DataFrame,
    items: pd.Series,
    *,
    lang: str = "zh",
    rows: int = 500,
) -> pd.DataFrame:
    """The dormant customers (``simple_segment == 沉睡``), highest spend first.

    Columns :data:`WINBACK_COLUMNS`: ``segment`` (eight-way, report language),
    ``last_purchase`` (date), ``days_since`` (= recency_days), ``orders`` (frequency),
    ``spend`` (monetary, net of refunds), ``last_items`` (what the last order held) and
    ``action`` (the segment's suggested action, report language). At most ``rows`` rows.
    """
    dormant = dormant_top(rfm, rows)
    out = pd.DataFrame(
        {
            "customer_id": dormant["customer_id"].astype(str),
            "segment": [segment_label(s, lang) for s in dormant["segment"]],
            "last_purchase": dormant["last_date"].dt.date,
            "days_since": dormant["recency_days"].astype("int64"),
            "orders": dormant["frequency"].astype("int64"),
            "spend": dormant["monetary"].round(2),
            "last_items": dormant["customer_id"].map(items).fillna("").to_numpy(),
            "action": [pick(PLAYBOOK[s][1], lang) for s in dormant["segment"]],
        }
    )
    return out.reset_index(drop=True).loc[:, WINBACK_COLUMNS]
