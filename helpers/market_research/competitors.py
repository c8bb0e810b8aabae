"""Competitor teardown (竞品拆解): price, sales, rating, promotions and traffic mix.

Competitor figures are the latest complete month of the ``competitors`` export; the shop's
own figures for the same month come from the per-run facts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.market_research.theme import MarketResearchSettings

#: traffic share columns of the competitors table -> the shop's channel names
TRAFFIC_SHARES = {
    "search_share": "搜索",
    "recommend_share": "推荐",
    "live_share": "直播",
    "video_share": "短视频",
    "paid_share": "付费推广",
}
#: label of the shop's own row
SHOP = "本店"


def competitor_summary(competitors: pd.DataFrame, month: pd.Timestamp) -> pd.DataFrame:
    """Per competitor in ``month``: items, mean price, units sold, rating, promotion share.

    ``promo_share = mean(promo_days) / days in the month`` (how often its items are on
    promotion); traffic shares are the means over its items, where present.
    """
    rows = competitors.loc[competitors["month"] == month].copy()
    days = month.days_in_month
    agg = {"items": ("item", "nunique")}
    for col, how in (
        ("price", "mean"),
        ("monthly_sales", "sum"),
        ("rating", "mean"),
        ("promo_days", "mean"),
    ):
        if col in rows and rows[col].notna().any():
            agg[col] = (col, how)
    for col in TRAFFIC_SHARES:
        if col in rows and rows[col].notna().any():
            agg[col] = (col, "mean")
    out = rows.groupby("competitor").agg(**agg).reset_index()
    if "promo_days" in out:
        out["promo_share"] = out.pop("promo_days") / days
    return out


def shop_summary(
    daily_item: pd.DataFrame,
    daily_channel: pd.DataFrame,
    promo_days: pd.DataFrame,
    month: pd.Timestamp,
) -> dict[str, float]:
    """The shop's row for ``month``: mean realised item price, units, promotion share, traffic.

    ``price`` = mean over items of ``gmv / units``; ``promo_share`` = days of the month with a
    festival or shop event / days in the month; traffic shares = channel visitors / all
    visitors (absent without traffic data).
    """
    in_month = daily_item["date"].dt.to_period("M").dt.to_timestamp() == month
    items = daily_item.loc[in_month].groupby("sku_id")[["gmv", "units"]].sum()
    items = items.loc[items["units"] > 0]
    row: dict[str, float] = {
        "items": float(len(items)),
        "price": float((items["gmv"] / items["units"]).mean()) if len(items) else np.nan,
        "monthly_sales": float(items["units"].sum()),
    }
    promo = promo_days.loc[promo_days["date"].dt.to_period("M").dt.to_timestamp() == month]
    row["promo_share"] = promo["date"].nunique() / month.days_in_month
    ch = daily_channel.loc[daily_channel["date"].dt.to_period("M").dt.to_timestamp() == month]
    uv = ch.groupby("channel")["uv"].sum(min_count=1)
    if uv.notna().any() and uv.sum() > 0:
        for col, name in TRAFFIC_SHARES.items():
            row[col] = float(uv.get(name, 0.0) / uv.sum())
    return row


def side_by_side(competitors: pd.DataFrame, shop: dict[str, float]) -> pd.DataFrame:
    """The competitor summaries with the shop's row first (``competitor == "本店"``)."""
    first = pd.DataFrame([{"competitor": SHOP, **shop}])
    return pd.concat([first, competitors], ignore_index=True)


def item_prices(
    daily_item: pd.DataFrame, run_date: pd.Timestamp, price_days: int, rank_days: int
) -> pd.DataFrame:
    """Each item's current realised price and its GMV rank, up to ``run_date``.

    ``price`` = the median over the last ``price_days`` days of the daily realised price
    ``gmv / units`` (what buyers paid, after discounts; the median keeps one deep-discount
    festival day from setting the price); ``gmv`` and ``rank`` (1 = the largest GMV) over the
    last ``rank_days`` days. Items without a sale in the price window are left out.
    """

    def recent(days: int) -> pd.DataFrame:
        since = run_date - pd.Timedelta(days=days - 1)
        rows = daily_item.loc[(daily_item["date"] >= since) & (daily_item["date"] <= run_date)]
        return rows.groupby(["sku_id", "date"])[["gmv", "units"]].sum()

    days = recent(price_days)
    days = days.loc[days["units"] > 0]
    price = (days["gmv"] / days["units"]).groupby(level="sku_id").median()
    out = recent(rank_days).groupby(level="sku_id")[["gmv"]].sum()
    out["rank"] = out["gmv"].rank(ascending=False, method="first").astype(int)
    out["price"] = price
    out = out.dropna(subset=["price"]).reset_index()
    return out.sort_values("rank").reset_index(drop=True)


def undercuts(
    competitors: pd.DataFrame,
    prices: pd.DataFrame,
    month: pd.Timestamp,
    settings: MarketResearchSettings,
) -> pd.DataFrame:
    """Competitor items priced below the shop's comparable item.

    ``gap = (shop_price - competitor_price) / shop_price``; a row is kept when
    ``gap >= undercut_min``; ``top_item`` marks shop items ranked within ``top_items`` by GMV
    over ``rank_days``.

    Returns
    -------
    DataFrame ``competitor, item, sku_id, competitor_price, shop_price, gap, rank, top_item``,
    largest gap first.
    """
    cols = [
        "competitor",
        "item",
        "sku_id",
        "competitor_price",
        "shop_price",
        "gap",
        "rank",
        "top_item",
    ]
    if "comparable_sku" not in competitors or "price" not in competitors:
        return pd.DataFrame(columns=cols)
    rows = competitors.loc[(competitors["month"] == month) & competitors["comparable_sku"].notna()]
    rows = rows.rename(columns={"comparable_sku": "sku_id", "price": "competitor_price"})
    shop = prices[["sku_id", "price", "rank"]].rename(columns={"price": "shop_price"})
    out = rows.merge(shop, on="sku_id", how="inner")
    out["gap"] = ((out["shop_price"] - out["competitor_price"]) / out["shop_price"]).round(9)
    out = out.loc[out["gap"] >= settings.undercut_min]
    out["top_item"] = out["rank"] <= settings.top_items
    return out[cols].sort_values("gap", ascending=False).reset_index(drop=True)
