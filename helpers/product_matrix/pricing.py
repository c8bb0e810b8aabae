"""Price checks: charm endings, good-better-best tiers per category and each item against
the competitor price band."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

TIERS = ("good", "better", "best")
TIER_LABELS = {
    "good": ("入门款", "good"),
    "better": ("主力款", "better"),
    "best": ("高端款", "best"),
}


def charm_check(price: pd.Series) -> pd.DataFrame:
    """Charm-price check of each price (e.g. 99 rather than 100).

    * ``charm``: the price ends in 9 (whole units: 59, 199) or in .9x (19.99, 9.95);
    * ``round_number``: a whole multiple of 10 (100, 250): a candidate for the charm price
      one unit below (``suggested = price - 1``), which reads as a lower price bracket.

    Returns ``price, charm, round_number, suggested`` (suggested NaN unless round).
    """
    p = pd.to_numeric(price, errors="coerce").astype("float64")
    cents = np.round(p * 100).astype("Int64")
    whole = cents % 100 == 0
    charm = (whole & ((cents // 100) % 10 == 9)) | (~whole & ((cents % 100) >= 90))
    round_ = whole & ((cents // 100) % 10 == 0) & (p > 0)
    return pd.DataFrame(
        {
            "price": p,
            "charm": charm.fillna(False).astype(bool),
            "round_number": round_.fillna(False).astype(bool),
            "suggested": p.where(round_.fillna(False).astype(bool)) - 1,
        },
        index=price.index,
    )


def price_tiers(items: pd.DataFrame) -> pd.DataFrame:
    """Good-better-best tiers per category from the items' list prices.

    Within a category, prices are cut at their 1/3 and 2/3 quantiles: ``good`` up to the
    first, ``best`` above the second, ``better`` between. Returns one row per category and
    tier: ``category, tier, items, min_price, max_price, revenue, revenue_share`` (share of
    the category's revenue). A category with fewer than three distinct prices has no tiers.
    """
    rows = []
    for cat, g in items.dropna(subset=["category"]).groupby("category"):
        price = pd.to_numeric(g["list_price"], errors="coerce")
        if price.nunique() < 3:
            continue
        q1, q2 = price.quantile([1 / 3, 2 / 3])
        tier = np.where(price <= q1, "good", np.where(price > q2, "best", "better"))
        total = g["revenue"].clip(lower=0).sum()
        for t in TIERS:
            m = tier == t
            rev = float(g.loc[m, "revenue"].clip(lower=0).sum())
            rows.append(
                {
                    "category": cat,
                    "tier": t,
                    "items": int(m.sum()),
                    "min_price": float(price[m].min()) if m.any() else np.nan,
                    "max_price": float(price[m].max()) if m.any() else np.nan,
                    "revenue": rev,
                    "revenue_share": rev / total if total > 0 else np.nan,
                }
            )
    cols = ["category", "tier", "items", "min_price", "max_price", "revenue", "revenue_share"]
    return pd.DataFrame(rows, columns=cols)


def competitor_band(competitors: pd.DataFrame, *, end: pd.Timestamp) -> pd.DataFrame:
    """Competitor price band per category from the latest month on or before ``end``:
    ``category, month, low, median, high, items`` (min, median, max of tracked prices)."""
    c = competitors.assign(month=pd.to_datetime(competitors["month"]))
    c = c.loc[c["month"] <= end]
    if c.empty:
        return pd.DataFrame(columns=["category", "month", "low", "median", "high", "items"])
    c = c.loc[c["month"] == c["month"].max()]
    out = c.groupby("category").agg(
        month=("month", "first"),
        low=("price", "min"),
        median=("price", "median"),
        high=("price", "max"),
        items=("price", "size"),
    )
    return out.reset_index()


def direct_competitor(
    items: pd.DataFrame, competitors: pd.DataFrame, *, end: pd.Timestamp
) -> pd.Series:
    """Price of the same item at a competitor (latest month on or before ``end``), matched
    when the competitor's item name appears in our title; the lowest such price per SKU."""
    c = competitors.assign(month=pd.to_datetime(competitors["month"]))
    c = c.loc[c["month"] <= end]
    if c.empty or items.empty:
        return pd.Series(dtype="float64")
    c = c.loc[c["month"] == c["month"].max()]
    titles = items.set_index("sku_id")["title"].fillna("").astype(str)
    found: dict[Any, float] = {}
    for name, price in zip(c["item"].astype(str), c["price"], strict=True):
        if len(name) < 3:
            continue
        hit = titles.index[titles.str.contains(name, regex=False)]
        for sku in hit:
            found[sku] = min(found.get(sku, np.inf), float(price))
    return pd.Series(found, dtype="float64")


def against_competitors(
    items: pd.DataFrame, band: pd.DataFrame, same_item: pd.Series
) -> pd.DataFrame:
    """Each item's price against its category's competitor band (and the same item at a
    competitor when matched).

    ``position`` is ``above`` (price > band high, or > the same item's competitor price),
    ``below`` (< band low) or ``inside``; ``gap = price / reference - 1`` with the reference
    the same item's competitor price when known, else the band median.
    """
    t = items[["sku_id", "title", "category", "avg_price", "list_price", "revenue"]].copy()
    t["price"] = pd.to_numeric(t["avg_price"], errors="coerce").fillna(t["list_price"])
    t = t.merge(band, on="category", how="inner")
    t["same_item_price"] = same_item.reindex(t["sku_id"]).to_numpy()
    ref = t["same_item_price"].fillna(t["median"])
    t["gap"] = t["price"] / ref - 1
    above = (t["price"] > t["high"]) | (t["price"] > t["same_item_price"])
    t["position"] = np.where(above, "above", np.where(t["price"] < t["low"], "below", "inside"))
    return t.drop(columns=["avg_price"]).reset_index(drop=True)
