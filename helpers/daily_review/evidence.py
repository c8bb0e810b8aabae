"""What the data already say behind an alert, turned into a specific next step: an item's
price change (from its order lines) and a competitor's price for the same item (from the
``competitors`` table, ``comparable_sku``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from helpers.facts.frames import isin_fast
from helpers.numbers import currency_symbol

#: how far back a price change is looked for (days)
PRICE_DAYS = 60
#: a median unit price this far from the current one is a different price
PRICE_STEP = 0.03


@dataclass(frozen=True)
class PriceChange:
    """An item's price change: ``old`` until ``last_old`` (last day sold at it), ``new`` from
    ``first_new`` (first day sold at it)."""

    old: float
    new: float
    last_old: pd.Timestamp
    first_new: pd.Timestamp


def price_change(
    sku: str, order_items: pd.DataFrame, orders: pd.DataFrame, run_date: pd.Timestamp
) -> PriceChange | None:
    """The last change of ``sku``'s median daily unit price within :data:`PRICE_DAYS` days up
    to ``run_date`` (by payment day), or None when its price did not move."""
    lines = order_items.loc[order_items["sku_id"] == sku, ["order_id", "unit_price"]]
    paid = orders[["order_id", "paid_at"]].dropna()
    days = lines.merge(paid, on="order_id")
    days = days.assign(day=days["paid_at"].dt.normalize())
    days = days.loc[days["day"].between(run_date - pd.Timedelta(days=PRICE_DAYS), run_date)]
    price = days.groupby("day")["unit_price"].median().sort_index()
    if len(price) < 2:
        return None
    new = float(price.iloc[-1])
    other = price.loc[(price - new).abs() > PRICE_STEP * new]
    if other.empty:
        return None
    last_old = other.index[-1]
    after = price.loc[price.index > last_old]
    return PriceChange(float(other.iloc[-1]), new, last_old, after.index[0])


def competitor_price(
    sku: str, competitors: pd.DataFrame | None, run_date: pd.Timestamp
) -> tuple[str, float] | None:
    """The latest price (month on or before ``run_date``) a competitor asks for the same item
    (``comparable_sku``): ``(competitor, price)``, the cheapest when several; or None."""
    if competitors is None or "comparable_sku" not in competitors:
        return None
    rows = competitors.loc[competitors["comparable_sku"] == sku].copy()
    rows = rows.loc[pd.to_datetime(rows["month"]) <= run_date]
    if rows.empty:
        return None
    latest = rows.loc[pd.to_datetime(rows["month"]) == pd.to_datetime(rows["month"]).max()]
    best = latest.sort_values("price").iloc[0]
    return str(best["competitor"]), float(best["price"])


def cart_hint(
    change: PriceChange | None, rival: tuple[str, float] | None, currency: str
) -> tuple[str, str]:
    """The 加购高支付低 step (zh, en) citing the price change and the competitor's price;
    ``("", "")`` when the data hold neither."""
    sym = currency_symbol(currency)
    zh, en = [], []
    if change is not None:
        zh.append(
            f"售价由 {sym}{change.old:,.0f} 调到 {sym}{change.new:,.0f}（{change.last_old:%m-%d} "
            f"最后按原价成交，{change.first_new:%m-%d} 起按新价）"
        )
        en.append(
            f"its price moved from {sym}{change.old:,.0f} to {sym}{change.new:,.0f} (last sold "
            f"at the old price on {change.last_old:%m-%d}, at the new one from "
            f"{change.first_new:%m-%d})"
        )
    if rival is not None:
        zh.append(f"竞品「{rival[0]}」同款售 {sym}{rival[1]:,.0f}")
        en.append(f"competitor '{rival[0]}' sells the same item at {sym}{rival[1]:,.0f}")
    if not zh:
        return "", ""
    target = rival[1] if rival is not None else change.old if change is not None else None
    return (
        "，".join(zh) + f"：先用限时券或改价把到手价拉回 {sym}{target:,.0f} 以内，观察三天转化率",
        "; ".join(en) + f": bring the price paid back to {sym}{target:,.0f} or below with a "
        "time-limited coupon or a price change first, and watch the CVR for three days",
    )


def _price_history(
    items: pd.DataFrame, orders: pd.DataFrame, skus: pd.Series, run_date: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The lines of ``skus`` and the orders paid in the :data:`PRICE_DAYS` days to
    ``run_date``: all that :func:`price_change` reads of them, taken once for every alert
    instead of scanning both tables per SKU."""
    paid_day = orders["paid_at"].dt.normalize()
    recent = paid_day.between(run_date - pd.Timedelta(days=PRICE_DAYS), run_date)
    lines = items.loc[isin_fast(items["sku_id"], skus), ["sku_id", "order_id", "unit_price"]]
    return lines, orders.loc[recent.to_numpy(), ["order_id", "paid_at"]]


def with_evidence(
    alerts: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame | None],
    run_date: pd.Timestamp,
    currency: str,
) -> pd.DataFrame:
    """``alerts`` with the 加购高支付低 hints filled from the price history and the
    competitors (other alerts unchanged)."""
    items, orders = tables.get("order_items"), tables.get("orders")
    if alerts.empty or items is None or orders is None:
        return alerts
    mask = alerts["rule"].eq("cart_high_pay_low")
    if not mask.any():
        return alerts
    out = alerts.copy()
    items, orders = _price_history(items, orders, out.loc[mask, "subject"].astype(str), run_date)
    for i in out.index[mask]:
        sku = str(out.at[i, "subject"])
        zh, en = cart_hint(
            price_change(sku, items, orders, run_date),
            competitor_price(sku, tables.get("competitors"), run_date),
            currency,
        )
        if zh:
            out.at[i, "hint_zh"], out.at[i, "hint_en"] = zh, en
    return out
