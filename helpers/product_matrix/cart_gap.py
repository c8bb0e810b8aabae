"""加购高支付低: items many visitors put in the cart but few buy, against the shop norm, with
the causes the data can show."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.product_matrix.sales import window_mask


def cart_funnel(
    item_traffic: pd.DataFrame, daily_item: pd.DataFrame, *, end: pd.Timestamp, days: int
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Per-item add-to-cart rate and CVR over the window, and the shop norm.

    ``cart_rate = cart users / visitors``; ``cvr = orders with the item / visitors`` (an
    order holds the item once, so it counts its buyers); the shop norm is the same ratio of
    the sums over all items with traffic.

    Returns ``(frame sku_id, visitors, cart_users, orders, cart_rate, cvr; norm dict with
    cart_rate and cvr)``.
    """
    tr = item_traffic.loc[window_mask(item_traffic["date"], end, days)]
    t = tr.groupby("sku_id")[["visitors", "cart_users"]].sum()
    sold = daily_item.loc[window_mask(daily_item["date"], end, days)]
    t["orders"] = sold.groupby("sku_id")["orders"].sum().reindex(t.index).fillna(0.0)
    v = t["visitors"].where(t["visitors"] > 0)
    t["cart_rate"] = t["cart_users"] / v
    t["cvr"] = t["orders"] / v
    total = t["visitors"].sum()
    norm = {
        "cart_rate": float(t["cart_users"].sum() / total) if total else float("nan"),
        "cvr": float(t["orders"].sum() / total) if total else float("nan"),
    }
    return t.reset_index(), norm


def cart_gap(
    funnel: pd.DataFrame,
    norm: dict[str, float],
    *,
    min_cart_rate: float,
    cvr_ratio: float,
    min_visitors: int,
) -> pd.DataFrame:
    """Items with a high add-to-cart rate and a low CVR.

    Flagged when ``visitors >= min_visitors``, ``cart_rate >= max(min_cart_rate, shop
    cart rate)`` and ``cvr < cvr_ratio x shop cvr`` (the daily review's rule, applied to the
    window). Sorted by cart users lost: ``cart_users - orders`` descending.
    """
    f = funnel.loc[funnel["visitors"] >= min_visitors].copy()
    high = f["cart_rate"] >= max(min_cart_rate, norm["cart_rate"])
    low = f["cvr"] < cvr_ratio * norm["cvr"]
    f = f.loc[high & low].assign(lost=lambda d: d["cart_users"] - d["orders"])
    return f.sort_values(["lost", "sku_id"], ascending=[False, True]).reset_index(drop=True)


def gap_causes(
    flagged: pd.DataFrame,
    *,
    prices: pd.DataFrame | None = None,
    price_change: pd.Series | None = None,
    stockout: pd.Series | None = None,
    complaints: pd.Series | None = None,
    shipping_fee: pd.Series | None = None,
    shop_shipping_fee: float | None = None,
) -> pd.DataFrame:
    """The causes the data can show for each flagged item, as words (zh and en).

    Checks, each only when its data exist: price above the competitor band or the same item
    at a competitor (``prices``: :func:`pricing.against_competitors`); a recent price rise
    of 5 % or more (``price_change``: recent / earlier average selling price - 1); stock-out
    days in the window; complaints (1-2 star reviews) in the window; an average shipping
    fee above the shop's. Items with none get "no cause in the data: check the item page".
    """
    zh_all, en_all = [], []
    for sku in flagged["sku_id"]:
        zh, en = [], []
        if prices is not None and sku in set(prices["sku_id"]):
            p = prices.loc[prices["sku_id"] == sku].iloc[0]
            if p["position"] == "above":
                ref = p["same_item_price"] if not pd.isna(p["same_item_price"]) else p["high"]
                zh.append(f"售价 {p['price']:,.0f} 高于竞品 {ref:,.0f}")
                en.append(f"price {p['price']:,.0f} above the competitor's {ref:,.0f}")
        if price_change is not None and price_change.get(sku, 0) >= 0.05:
            zh.append(f"近期涨价 {price_change[sku]:+.0%}")
            en.append(f"price raised {price_change[sku]:+.0%} recently")
        if stockout is not None and stockout.get(sku, 0) > 0:
            zh.append(f"缺货 {int(stockout[sku])} 天")
            en.append(f"{int(stockout[sku])} stock-out days")
        if complaints is not None and complaints.get(sku, 0) > 0:
            zh.append(f"差评/投诉 {int(complaints[sku])} 件")
            en.append(f"{int(complaints[sku])} complaints (low ratings)")
        fee = np.nan if shipping_fee is None else shipping_fee.get(sku, np.nan)
        if shop_shipping_fee is not None and not pd.isna(fee) and fee > shop_shipping_fee * 1.2:
            zh.append(f"平均运费 {fee:,.1f} 高于全店 {shop_shipping_fee:,.1f}")
            en.append(f"average shipping fee {fee:,.1f} above the shop's {shop_shipping_fee:,.1f}")
        zh_all.append("；".join(zh) or "数据中看不出原因：检查详情页、优惠券和客服响应")
        en_all.append(
            "; ".join(en) or "no cause in the data: check the item page, coupons and service"
        )
    return flagged.assign(cause_zh=zh_all, cause_en=en_all)
