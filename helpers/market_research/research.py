"""Everything the market research notebook shows, computed once per run.

:func:`build_research` takes the run's tables and facts and returns a
:class:`MarketResearch`; each field is None when the section lacks its table (the notebook
then names the table that would enable it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from helpers.contract import NON_PRODUCT
from helpers.market_research import competitors as comp
from helpers.market_research import customers as cust
from helpers.market_research.lifecycle import lifecycle, shop_monthly, shop_share
from helpers.market_research.months import complete_months, last_complete_month, window
from helpers.market_research.outlook import Outlook, outlook
from helpers.market_research.price_bands import price_bands, shop_item_prices
from helpers.market_research.screen import screen
from helpers.market_research.search_terms import term_trends
from helpers.market_research.signals import share_alerts, undercut_alerts
from helpers.market_research.sources import figure_kinds, with_values
from helpers.market_research.theme import MarketResearchSettings

#: the outlook's name for the shop's items that carry no category (a key of
#: :data:`helpers.i18n.CHANNELS`, shown as "whole shop" in English)
WHOLE_SHOP = "全店"


@dataclass(frozen=True, eq=False)
class MarketResearch:
    """The results of one run (None: the section's table is missing).

    Attributes
    ----------
    month : the last complete month on or before the run date (market figures stop there).
    kinds : market figures and whether each is an index, a real value or converted.
    lifecycle : per category stage, growth and share moves (:func:`lifecycle.lifecycle`).
    shares : monthly shop share per category (for the chart).
    market : the market table cut to complete months, sizes converted where configured.
    bands : price bands per category, market and shop side by side.
    terms : search-term trends.
    competitors : competitors and the shop side by side (latest month).
    competitor_month : the month of the competitor figures.
    undercuts : competitor items priced below a comparable shop item.
    buyers : the shop's buyers with attributes; ``groups``: dimension -> group table;
        ``preferences``: dimension -> preference index (TGI) of groups x categories.
    spending_edges : the order-value edges of the spending-power bands.
    screen : the 三高一低 screen.
    outlooks : category -> :class:`Outlook`; ``outlook_source`` says which series.
    alerts : alert records.
    """

    month: pd.Timestamp
    kinds: pd.DataFrame | None = None
    lifecycle: pd.DataFrame | None = None
    shares: pd.DataFrame | None = None
    market: pd.DataFrame | None = None
    bands: pd.DataFrame | None = None
    terms: pd.DataFrame | None = None
    competitors: pd.DataFrame | None = None
    competitor_month: pd.Timestamp | None = None
    undercuts: pd.DataFrame | None = None
    buyers: pd.DataFrame | None = None
    groups: dict[str, pd.DataFrame] = field(default_factory=dict)
    preferences: dict[str, pd.DataFrame] = field(default_factory=dict)
    spending_edges: tuple[float, float] | None = None
    screen: pd.DataFrame | None = None
    outlooks: dict[str, Outlook] = field(default_factory=dict)
    outlook_source: str = ""
    alerts: list[dict] = field(default_factory=list)


def _cut(tables: Mapping[str, Any], run_date: pd.Timestamp, s: MarketResearchSettings) -> dict:
    """The market tables cut to complete months, market sizes converted where configured."""
    out = {
        n: complete_months(tables.get(n), run_date)
        for n in ("market", "market_price_bands", "search_terms", "competitors")
    }
    for name in ("market", "market_price_bands"):
        frame = out[name]
        if frame is not None:
            out[name] = with_values(frame, scale=s.index_scale, exponent=s.index_exponent)
    return out


def _competitor_part(cut: dict, facts: Any, s: MarketResearchSettings) -> dict:
    frame = cut["competitors"]
    if frame is None or frame.empty:
        return {}
    month = frame["month"].max()
    shop = comp.shop_summary(facts.daily_item, facts.daily_channel, facts.promo_days, month)
    prices = comp.item_prices(facts.daily_item, facts.run_date, s.price_days, s.rank_days)
    return {
        "competitors": comp.side_by_side(comp.competitor_summary(frame, month), shop),
        "competitor_month": month,
        "undercuts": comp.undercuts(frame, prices, month, s),
    }


def _customer_part(tables: Mapping[str, Any], facts: Any) -> dict:
    attrs = tables.get("customers")
    if attrs is None:
        return {}
    buyers = cust.buyer_table(facts.customers, attrs)
    if buyers.empty:
        return {"buyers": buyers}
    lines = cust.paid_lines(facts.buyer_categories, facts.run_date)
    dims = [d for d in cust.DIMENSIONS if d in buyers and buyers[d].ne(cust.UNKNOWN).any()]
    _, edges = cust.spending_bands(buyers)
    bought = not lines.empty
    lines = cust.with_groups(lines, buyers, *dims)  # one join for every dimension
    return {
        "buyers": buyers,
        "groups": {d: cust.groups(buyers, d, lines) for d in dims},
        "preferences": {d: cust.preference(buyers, d, lines) for d in dims if bought},
        "spending_edges": edges,
    }


def top_categories(frame: pd.DataFrame, value: str, end: pd.Timestamp, n: int) -> list[str]:
    """The ``n`` categories with the largest ``value`` over the twelve months to ``end``
    (goods only: the ``non-product`` lines are left out)."""
    rows = frame.loc[(frame["month"] > end - pd.DateOffset(months=12)) & (frame["month"] <= end)]
    rows = rows.loc[rows["category"] != NON_PRODUCT]
    sums = rows.groupby("category")[value].sum().sort_values(ascending=False)
    return [str(c) for c in sums.index[:n]]


def _outlooks(
    market: pd.DataFrame | None, shop: pd.DataFrame, end: pd.Timestamp, s: MarketResearchSettings
) -> tuple[dict, str]:
    """Per category outlook of the market size (or index), else of the shop's own GMV, for
    the largest ``top_categories`` categories."""
    if market is not None and not market.empty:
        col = "market_gmv" if market["market_gmv"].notna().any() else "search_index"
        frame, source = market.rename(columns={col: "value"}), col
    else:
        frame, source = shop.rename(columns={"shop_gmv": "value"}), "shop_gmv"
    keep = top_categories(frame, "value", end, s.top_categories)
    out = {}
    for cat, rows in frame.loc[frame["category"].isin(keep)].groupby("category"):
        name = str(cat) or WHOLE_SHOP
        series = rows.set_index("month")["value"].sort_index()
        out[name] = outlook(series, name, months=s.forecast_months, interval=s.interval)
    return out, source


def build_research(
    tables: Mapping[str, Any], facts: Any, settings: MarketResearchSettings, *, lang: str = "zh"
) -> MarketResearch:
    """All sections' results for ``facts.run_date`` (see :class:`MarketResearch`)."""
    run_date = facts.run_date
    end = last_complete_month(run_date)
    cut = _cut(tables, run_date, settings)
    products = tables.get("products")
    shop = shop_monthly(facts.daily_item, products, end)
    parts: dict[str, Any] = {
        "month": end,
        "kinds": figure_kinds(cut, scale=settings.index_scale, exponent=settings.index_exponent),
    }
    market = cut["market"]
    if market is not None:
        parts["market"] = market
        parts["lifecycle"] = lifecycle(
            market, shop if products is not None else None, end, settings
        )
        parts["shares"] = shop_share(market, shop) if products is not None else None
        parts["screen"] = screen(market, end, settings)
    if products is not None:
        items = shop_item_prices(facts.daily_item, products, window(end, settings.window_months))
        items = items.loc[
            items["category"].isin(top_categories(shop, "shop_gmv", end, settings.top_categories))
        ]
        parts["bands"] = price_bands(items, cut["market_price_bands"], end, settings)
    if cut["search_terms"] is not None:
        parts["terms"] = term_trends(cut["search_terms"], end, settings)
    parts.update(_competitor_part(cut, facts, settings))
    parts.update(_customer_part(tables, facts))
    parts["outlooks"], parts["outlook_source"] = _outlooks(market, shop, end, settings)
    alerts = []
    if parts.get("lifecycle") is not None:
        alerts += share_alerts(parts["lifecycle"], settings, lang)
    if parts.get("undercuts") is not None:
        alerts += undercut_alerts(parts["undercuts"], lang)
    return MarketResearch(**parts, alerts=alerts)


def research_for(ctx: Any) -> MarketResearch:
    """:func:`build_research` for a :class:`helpers.context.RunContext`."""
    settings = ctx.settings.section("market_research")
    return build_research(ctx.dataset.tables, ctx.facts, settings, lang=ctx.lang)
