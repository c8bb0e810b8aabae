"""Price bands (价格带): which price range sells best, for the market and for the shop.

A band is a half-open price range ``[lower, next lower)``; the last band is open at the
top. Edges come, in order of preference, from the ``price_edges`` setting, from the
market's own bands (the ``market_price_bands`` export) or from quantiles of the shop's item
prices rounded to round numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.market_research.months import window, window_sums
from helpers.market_research.theme import MarketResearchSettings


def round_price(x: float) -> float:
    """Round a price down to a round number: two significant digits, 10s under 100.

    37 -> 30, 149 -> 140, 1234 -> 1200.
    """
    if x <= 0 or not np.isfinite(x):
        return 0.0
    step = 10.0 if x < 100 else 10.0 ** (np.floor(np.log10(x)) - 1)
    return float(np.floor(x / step) * step)


def edges_from_prices(prices: pd.Series, count: int) -> tuple[float, ...]:
    """``count`` band lower bounds from the quantiles of ``prices`` (first edge 0).

    The interior edges are the 1/count .. (count-1)/count quantiles rounded down by
    :func:`round_price`; duplicates collapse, so fewer bands come out of few distinct prices.
    """
    values = pd.Series(prices, dtype=float).dropna()
    values = values.loc[values > 0]
    if values.empty or count < 2:
        return (0.0,)
    qs = values.quantile(np.arange(1, count) / count).to_numpy()
    return tuple(sorted({0.0, *(round_price(float(q)) for q in qs)}))


def band_label(lower: float, upper: float | None) -> str:
    """``"100-199"`` style label of ``[lower, upper)``; ``"500+"`` for the open top band."""
    if upper is None or not np.isfinite(upper):
        return f"{lower:g}+"
    return f"{lower:g}-{upper:g}"


def assign(prices: pd.Series, edges: Sequence[float]) -> pd.Series:
    """The band label of each price (NaN below the first edge or for a missing price)."""
    lowers = np.asarray(sorted(edges), dtype=float)
    uppers = [*lowers[1:], None]
    labels = [band_label(lo, up) for lo, up in zip(lowers, uppers, strict=True)]
    pos = np.searchsorted(lowers, prices.astype(float).to_numpy(), side="right") - 1
    valid = (pos >= 0) & prices.notna().to_numpy()
    none = np.full(len(pos), None, dtype=object)
    out = np.where(valid, np.take(labels, np.clip(pos, 0, None)), none)
    return pd.Series(out, index=prices.index, dtype=object)


def choose_edges(
    market_bands: pd.DataFrame | None,
    shop_prices: pd.Series,
    settings: MarketResearchSettings,
) -> tuple[tuple[float, ...], str]:
    """Band edges and where they came from: ``settings``, ``market`` or ``shop``."""
    if settings.price_edges:
        return tuple(sorted(float(e) for e in settings.price_edges)), "settings"
    if market_bands is not None and not market_bands.empty:
        return tuple(sorted(set(market_bands["price_min"].astype(float)))), "market"
    return edges_from_prices(shop_prices, settings.price_band_count), "shop"


def shop_item_prices(
    daily_item: pd.DataFrame,
    products: pd.DataFrame | None,
    months: pd.DatetimeIndex,
) -> pd.DataFrame:
    """Each item's realised price and GMV over ``months`` (from the per-run facts).

    ``price = gmv / units`` (what buyers actually paid per unit, after discounts).

    Returns
    -------
    DataFrame ``sku_id, category, gmv, units, price``.
    """
    month = daily_item["date"].dt.to_period("M").dt.to_timestamp()
    rows = daily_item.loc[month.isin(months)]
    out = rows.groupby("sku_id", as_index=False)[["gmv", "units"]].sum()
    out = out.loc[out["units"] > 0]
    out["price"] = out["gmv"] / out["units"]
    if products is not None and "category" in products:
        cats = products.drop_duplicates("sku_id").set_index("sku_id")["category"]
        out["category"] = out["sku_id"].map(cats).fillna("")
    else:
        out["category"] = ""
    return out[["sku_id", "category", "gmv", "units", "price"]].reset_index(drop=True)


def _market_side(
    bands: pd.DataFrame, edges: Sequence[float], end: pd.Timestamp, months: int
) -> pd.DataFrame:
    """Market GMV per band now, a year earlier and its growth (rows by their lower bound)."""
    rows = bands.loc[bands["market_gmv"].notna()].copy()
    rows["band"] = assign(rows["price_min"], edges)
    rows = rows.groupby(["month", "band"])["market_gmv"].sum().reset_index()
    sums = window_sums(rows, "market_gmv", ["band"], end, months)
    return sums.rename(
        columns={"now": "market_gmv", "year_ago": "market_gmv_year_ago", "growth": "market_growth"}
    )


def band_table(
    shop_items: pd.DataFrame,
    market_bands: pd.DataFrame | None,
    edges: Sequence[float],
    end: pd.Timestamp,
    settings: MarketResearchSettings,
) -> pd.DataFrame:
    """Market and shop side by side for one category's bands.

    Columns ``band, lower, shop_gmv, shop_items, shop_share`` and, with market bands,
    ``market_gmv, market_share, market_growth, best, missed, growing_missed``:
    ``best`` marks the band with the largest market GMV; ``missed`` a band that sells well
    (``market_share >= band_min_share``) where the shop sold no item; ``growing_missed`` a
    missed band whose market grew at least ``band_growth_min``.
    """
    lowers = sorted(float(e) for e in edges)
    uppers = [*lowers[1:], None]
    out = pd.DataFrame(
        {
            "band": [band_label(lo, up) for lo, up in zip(lowers, uppers, strict=True)],
            "lower": lowers,
        }
    )
    shop = shop_items.assign(band=assign(shop_items["price"], lowers))
    agg = shop.groupby("band").agg(shop_gmv=("gmv", "sum"), shop_items=("sku_id", "nunique"))
    out = out.merge(agg, on="band", how="left").fillna({"shop_gmv": 0.0, "shop_items": 0})
    total = out["shop_gmv"].sum()
    out["shop_share"] = out["shop_gmv"] / total if total > 0 else np.nan
    out["shop_items"] = out["shop_items"].astype(int)
    if market_bands is None or market_bands.empty:
        return out
    out = out.merge(
        _market_side(market_bands, lowers, end, settings.window_months), on="band", how="left"
    )
    out["market_share"] = out["market_gmv"] / out["market_gmv"].sum()
    out["best"] = out["market_gmv"] == out["market_gmv"].max()
    out["missed"] = (out["market_share"] >= settings.band_min_share) & (out["shop_items"] == 0)
    out["growing_missed"] = out["missed"] & (out["market_growth"] >= settings.band_growth_min)
    return out


def price_bands(
    shop_items: pd.DataFrame,
    market_bands: pd.DataFrame | None,
    end: pd.Timestamp,
    settings: MarketResearchSettings,
) -> pd.DataFrame:
    """:func:`band_table` for every category the shop sells, stacked.

    Categories the shop does not sell are left out (a band cannot be "missed" there); the
    market's categories are used only when the shop has no item sales at all.

    Returns the band rows with ``category`` and ``edges_from`` (settings / market / shop).
    """
    cats = set(shop_items["category"])
    if not cats and market_bands is not None:
        cats = set(market_bands["category"].dropna())
    parts = []
    for cat in sorted(cats):
        items = shop_items.loc[shop_items["category"] == cat]
        bands = None if market_bands is None else market_bands.loc[market_bands["category"] == cat]
        if items.empty and (bands is None or bands.empty):
            continue
        edges, source = choose_edges(bands, items["price"], settings)
        parts.append(
            band_table(items, bands, edges, end, settings).assign(category=cat, edges_from=source)
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def window_months(end: pd.Timestamp, months: int) -> pd.DatetimeIndex:
    """The month starts of the comparison window ending at ``end``."""
    return window(end, months)
