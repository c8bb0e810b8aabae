"""Search terms (搜索词): rising and falling terms, and terms the shop is missing out on.

For every term, ``growth`` is the year-on-year change of its search popularity (搜索人气, an
index: read it as a direction, not a percentage of buyers) over the last ``window_months``
complete months, and ``shop_growth`` the same change of the visitors the term brought to
the shop.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.market_research.months import window_sums
from helpers.market_research.theme import MarketResearchSettings


def term_trends(
    terms: pd.DataFrame, end: pd.Timestamp, settings: MarketResearchSettings
) -> pd.DataFrame:
    """One row per term with its market and shop movement and its verdict.

    Returns
    -------
    DataFrame ``category, term, popularity, popularity_year_ago, growth, shop_visitors,
    shop_visitors_year_ago, shop_growth, trend, missed``: ``trend`` is ``rising``
    (``growth >= term_growth_min``), ``falling`` (``growth <= -term_growth_min``), ``flat``
    or ``unknown`` (no year-ago window); ``missed`` marks a rising term whose visitors to the
    shop did not grow (``shop_growth <= 0``, or no visitors now).
    """
    data = terms.copy()
    if "category" not in data:
        data["category"] = ""
    data["category"] = data["category"].fillna("")
    keys = ["category", "term"]
    pop = window_sums(data, "search_popularity", keys, end, settings.window_months)
    out = pop.rename(columns={"now": "popularity", "year_ago": "popularity_year_ago"})
    if "shop_visitors" in data and data["shop_visitors"].notna().any():
        shop = window_sums(data, "shop_visitors", keys, end, settings.window_months)
        shop = shop.rename(
            columns={
                "now": "shop_visitors",
                "year_ago": "shop_visitors_year_ago",
                "growth": "shop_growth",
            }
        )
        out = out.merge(shop, on=keys, how="left")
    else:
        out[["shop_visitors", "shop_visitors_year_ago", "shop_growth"]] = np.nan
    g = out["growth"]
    out["trend"] = np.select(
        [g.isna(), g >= settings.term_growth_min, g <= -settings.term_growth_min],
        ["unknown", "rising", "falling"],
        "flat",
    )
    stalled = (out["shop_growth"] <= 0) | (out["shop_visitors"].fillna(0) == 0)
    out["missed"] = (out["trend"] == "rising") & stalled & out["shop_visitors"].notna()
    return out.sort_values(["category", "growth"], ascending=[True, False]).reset_index(drop=True)
