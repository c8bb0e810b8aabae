"""The 三高一低 screen (three highs, one low): demand, margin and shelf room high, returns low.

A candidate (a category of the ``market`` table) passes when, in the latest complete month,

* search index ``>= search_min`` (5000): people look for it;
* gross margin ``>= margin_min`` (30 %): there is room for ads and discounts;
* competing online items ``< competing_items_max`` (100,000): the shelf is not crowded;
* return rate ``< return_rate_max`` (5 %): sales stay sold.

A missing value fails its criterion (unknown is not a pass). The shortlist (blue ocean, 蓝海)
is the candidates passing all four. The screen says where to look, not what to sell: it does
not see supply, seasonality, entry costs or the shop's own strengths.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.market_research.months import ROUND
from helpers.market_research.theme import MarketResearchSettings

#: criterion -> (market column, comparison, settings field)
CRITERIA = {
    "search": ("search_index", ">=", "search_min"),
    "margin": ("avg_margin", ">=", "margin_min"),
    "competition": ("competing_items", "<", "competing_items_max"),
    "returns": ("avg_return_rate", "<", "return_rate_max"),
}


def passes(value: pd.Series, op: str, threshold: float) -> pd.Series:
    """Whether each value meets ``op threshold`` (missing -> False)."""
    v = value.astype(float).round(ROUND)
    ok = v >= threshold if op == ">=" else v < threshold
    return ok & v.notna()


def screen(
    market: pd.DataFrame, month: pd.Timestamp, settings: MarketResearchSettings
) -> pd.DataFrame:
    """The four criteria for every candidate in ``month``.

    Returns
    -------
    DataFrame, one row per category: for each criterion its value (the market column's name)
    and ``<criterion>_ok``; ``passed`` (how many of 4) and ``shortlisted`` (all 4), the
    shortlist first.
    """
    rows = market.loc[market["month"] == month].drop_duplicates("category")
    out = pd.DataFrame({"category": rows["category"].to_numpy()})
    for name, (col, op, field) in CRITERIA.items():
        value = rows[col] if col in rows else pd.Series(np.nan, index=rows.index)
        out[col] = value.to_numpy()
        out[f"{name}_ok"] = passes(value, op, getattr(settings, field)).to_numpy()
    oks = out[[f"{n}_ok" for n in CRITERIA]]
    out["passed"] = oks.sum(axis=1).astype(int)
    out["shortlisted"] = oks.all(axis=1)
    return out.sort_values(
        ["shortlisted", "passed", "category"], ascending=[False, False, True]
    ).reset_index(drop=True)
