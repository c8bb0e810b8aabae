"""Category life cycle (类目生命周期): market growth, the stage rule and the shop's share.

Stage rule (all thresholds in :class:`~helpers.market_research.theme.MarketResearchSettings`)
with ``g`` = year-on-year growth of the category's market over the last ``window_months``
complete months (market size when known, else the trade index, else the search index) and
``s`` = the category's share of all tracked categories' market in that window:

* ``decline`` (衰退期): ``g <= decline_max`` (-5 %);
* ``emerging`` (导入期): ``g >= emerging_growth`` (+30 %) and ``s <= emerging_max_share`` (15 %);
* ``growth`` (成长期): ``g >= growth_min`` (+10 %);
* ``mature`` (成熟期): anything between;
* ``unknown``: less than ``12 + window_months`` months of history.

The rule is checked in that order, so a small market growing fast is emerging, a large one
growing fast is in growth.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.market_research.months import ROUND, window, window_sums
from helpers.market_research.theme import MarketResearchSettings

STAGES = ("emerging", "growth", "mature", "decline", "unknown")
#: market measures in order of preference for the stage rule
SIZE_BASES = ("market_gmv", "trade_index", "search_index")


def stage_of(growth: float, size_share: float, settings: MarketResearchSettings) -> str:
    """The life-cycle stage for one growth rate and market share (rule in the module doc)."""
    if growth is None or not np.isfinite(growth):
        return "unknown"
    g = round(float(growth), ROUND)
    if g <= settings.decline_max:
        return "decline"
    share = float(size_share) if size_share is not None else float("nan")
    if g >= settings.emerging_growth and (
        np.isfinite(share) and share <= settings.emerging_max_share
    ):
        return "emerging"
    if g >= settings.growth_min:
        return "growth"
    return "mature"


def category_growth(market: pd.DataFrame, end: pd.Timestamp, months: int) -> pd.DataFrame:
    """Per category: year-on-year growth of each market measure and the measure the rule uses.

    Returns
    -------
    DataFrame ``category, basis, size_now, size_year_ago, growth, size_share,
    search_growth``: ``basis`` names the measure (``market_gmv``, ``trade_index`` or
    ``search_index``) -- the first whose window is complete; ``size_share`` is the
    category's share of the total of that measure over the categories that have it.
    """
    cats = pd.DataFrame({"category": sorted(market["category"].dropna().unique())})
    out = cats.assign(basis=None, size_now=np.nan, size_year_ago=np.nan, growth=np.nan)
    out["size_share"] = np.nan
    for basis in reversed(SIZE_BASES):  # the preferred measure is written last and wins
        if basis not in market:
            continue
        sums = window_sums(market, basis, ["category"], end, months).set_index("category")
        sums = sums.reindex(out["category"])
        ok = sums["growth"].notna().to_numpy()
        share = sums["now"] / sums["now"].where(sums["growth"].notna()).sum()
        out.loc[ok, "basis"] = basis
        out.loc[ok, "size_now"] = sums["now"].to_numpy()[ok]
        out.loc[ok, "size_year_ago"] = sums["year_ago"].to_numpy()[ok]
        out.loc[ok, "growth"] = sums["growth"].to_numpy()[ok]
        out.loc[ok, "size_share"] = share.to_numpy()[ok]
    if "search_index" in market:
        search = window_sums(market, "search_index", ["category"], end, months)
        out = out.merge(
            search[["category", "growth"]].rename(columns={"growth": "search_growth"}),
            on="category",
            how="left",
        )
    else:
        out["search_growth"] = np.nan
    return out


def stages(
    market: pd.DataFrame, end: pd.Timestamp, settings: MarketResearchSettings
) -> pd.DataFrame:
    """:func:`category_growth` with the ``stage`` of every category at ``end``."""
    growth = category_growth(market, end, settings.window_months)
    growth["stage"] = [
        stage_of(g, s, settings)
        for g, s in zip(growth["growth"], growth["size_share"], strict=True)
    ]
    return growth


def shop_monthly(
    daily_item: pd.DataFrame, products: pd.DataFrame | None, end: pd.Timestamp
) -> pd.DataFrame:
    """The shop's GMV by month and category, complete months up to ``end``.

    ``daily_item`` is :attr:`helpers.facts.Facts.daily_item`; items without a product row
    (or without ``products``) fall in the category ``""``. The month the data start in is
    left out unless they start on its first day (a part month would look like a fall).
    """
    frame = daily_item[["date", "sku_id", "gmv"]].copy()
    frame["month"] = frame["date"].dt.to_period("M").dt.to_timestamp()
    first = frame["date"].min()
    # a month counts when the shop's data cover all of it (not the month the data start in)
    frame = frame.loc[(frame["month"] <= end) & (frame["month"] >= first)]
    if products is not None and "category" in products:
        cats = products.drop_duplicates("sku_id").set_index("sku_id")["category"]
        frame["category"] = frame["sku_id"].map(cats).fillna("")
    else:
        frame["category"] = ""
    out = frame.groupby(["month", "category"], as_index=False)["gmv"].sum()
    return out.rename(columns={"gmv": "shop_gmv"})


def shop_share(market: pd.DataFrame, shop: pd.DataFrame) -> pd.DataFrame:
    """Monthly market share of the shop per category: ``shop_gmv / market_gmv``.

    Only months and categories with a real (or converted) market size; an index never
    divides money.
    """
    if "market_gmv" not in market:
        return pd.DataFrame(columns=["month", "category", "shop_gmv", "market_gmv", "share"])
    m = market.loc[market["market_gmv"].notna() & (market["market_gmv"] > 0)]
    m = m[["month", "category", "market_gmv"]]
    out = m.merge(shop, on=["month", "category"], how="left")
    # months before the shop's data begin stay unknown, later months without sales are 0
    start = shop["month"].min() if not shop.empty else pd.NaT
    out.loc[out["month"] >= start, "shop_gmv"] = out["shop_gmv"].fillna(0.0)
    out["share"] = out["shop_gmv"] / out["market_gmv"]
    out = out.dropna(subset=["share"])
    return out.sort_values(["category", "month"]).reset_index(drop=True)


def share_change(share: pd.DataFrame, end: pd.Timestamp, months: int) -> pd.DataFrame:
    """Per category: the shop's share over the window now and a year earlier, and its change.

    ``share_now = sum(shop_gmv) / sum(market_gmv)`` over the last ``months`` months;
    ``share_change = share_now / share_year_ago - 1`` (relative).
    """
    cols = ["category", "share_now", "share_year_ago", "share_change"]
    if share.empty:
        return pd.DataFrame(columns=cols)
    parts = {}
    for name, back in (("share_now", 0), ("share_year_ago", 12)):
        rows = share.loc[share["month"].isin(window(end, months, back=back))]
        sums = rows.groupby("category")[["shop_gmv", "market_gmv"]].sum()
        parts[name] = sums["shop_gmv"] / sums["market_gmv"].where(sums["market_gmv"] > 0)
    out = pd.DataFrame(parts)
    ratio = out["share_now"] / out["share_year_ago"].where(out["share_year_ago"] > 0)
    out["share_change"] = (ratio - 1.0).round(ROUND)
    return out.reset_index()[cols]


def lifecycle(
    market: pd.DataFrame,
    shop: pd.DataFrame | None,
    end: pd.Timestamp,
    settings: MarketResearchSettings,
) -> pd.DataFrame:
    """Stage now and ``stage_lookback_months`` earlier, growth and the shop's share moves.

    Returns
    -------
    DataFrame, one row per category: ``category, basis, size_now, growth, search_growth,
    size_share, stage, stage_before, changed, share_now, share_year_ago, share_change``.
    """
    now = stages(market, end, settings)
    before = stages(market, end - pd.DateOffset(months=settings.stage_lookback_months), settings)
    out = now.merge(
        before[["category", "stage"]].rename(columns={"stage": "stage_before"}),
        on="category",
        how="left",
    )
    out["stage_before"] = out["stage_before"].fillna("unknown")
    known = (out["stage"] != "unknown") & (out["stage_before"] != "unknown")
    out["changed"] = known & (out["stage"] != out["stage_before"])
    if shop is not None:
        moves = share_change(shop_share(market, shop), end, settings.window_months)
        out = out.merge(moves, on="category", how="left")
    else:
        out[["share_now", "share_year_ago", "share_change"]] = np.nan
    return out
