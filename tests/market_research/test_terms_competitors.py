import numpy as np
import pandas as pd
import pytest
from market_research.conftest import END, months

from helpers.market_research.competitors import (
    SHOP,
    competitor_summary,
    item_prices,
    shop_summary,
    side_by_side,
    undercuts,
)
from helpers.market_research.search_terms import term_trends
from helpers.market_research.signals import share_alerts, undercut_alerts
from helpers.market_research.theme import MarketResearchSettings

S = MarketResearchSettings()


def terms() -> pd.DataFrame:
    """Three terms over 15 months; popularity 100 a month until the window, then:

    up:   120 -> 360 / 300 - 1 = +0.20 (exactly rising); shop visitors 10 -> 10 (growth 0):
          missed
    down:  80 -> -0.20 (exactly falling)
    flat: 119 -> +0.19, flat
    """
    m = months(15)
    rows = []
    for term, now, visitors_now in (("up", 120.0, 10), ("down", 80.0, 5), ("flat", 119.0, 20)):
        for i, month in enumerate(m):
            late = i >= 12
            rows.append((month, "A", term, now if late else 100.0, visitors_now if late else 10))
    return pd.DataFrame(
        rows, columns=["month", "category", "term", "search_popularity", "shop_visitors"]
    )


def test_term_trends_by_hand():
    out = term_trends(terms(), END, S).set_index("term")
    assert out.loc["up", "growth"] == 0.20 and out.loc["up", "trend"] == "rising"
    assert out.loc["down", "trend"] == "falling" and out.loc["flat", "trend"] == "flat"
    assert out.loc["up", "shop_growth"] == 0.0
    assert out["missed"].tolist() == [True, False, False]  # sorted by growth, up first
    # shop visitors 2 -> 2.5 per month more: no longer missed
    more = terms()
    more.loc[(more["term"] == "up") & (more["month"] == END), "shop_visitors"] = 11
    assert not term_trends(more, END, S).set_index("term").loc["up", "missed"]


def test_terms_without_shop_visitors_are_never_missed():
    out = term_trends(terms().drop(columns="shop_visitors"), END, S)
    assert not out["missed"].any() and out["shop_growth"].isna().all()


def daily_item() -> pd.DataFrame:
    """Item x sells at 100 on six days and at 60 on one festival day (median 100); y at 50.

    GMV over the 28 days: x 6 x 100 + 10 x 60 = 1,200 (rank 1); y 5 x 50 = 250 (rank 2).
    """
    days = pd.date_range(END + pd.Timedelta(days=20), periods=7)
    rows = [(d, "x", 100.0, 1) for d in days[:6]] + [(days[6], "x", 600.0, 10)]
    rows += [(days[0], "y", 250.0, 5)]
    return pd.DataFrame(rows, columns=["date", "sku_id", "gmv", "units"]).assign(channel="搜索")


def test_item_prices_use_the_median_daily_price():
    run = END + pd.Timedelta(days=26)
    out = item_prices(daily_item(), run, 7, 28).set_index("sku_id")
    assert out.loc["x", "price"] == 100.0  # median of six 100s and one 60
    assert out.loc["x", "rank"] == 1 and out.loc["y", "rank"] == 2
    assert out.loc["x", "gmv"] == 1200.0


def test_undercut_at_the_boundary():
    prices = pd.DataFrame({"sku_id": ["x", "y"], "price": [100.0, 50.0], "rank": [1, 20]})
    comp = pd.DataFrame(
        {
            "month": END,
            "competitor": ["c1", "c2", "c3"],
            "item": ["i1", "i2", "i3"],
            "price": [95.0, 95.01, 40.0],
            "comparable_sku": ["x", "x", "y"],
        }
    )
    out = undercuts(comp, prices, END, S)
    # (100 - 95) / 100 = 0.05 exactly -> kept; 95.01 is 4.99 % below -> not; y 20 % below
    assert list(out["competitor"]) == ["c3", "c1"]
    assert list(out["top_item"]) == [False, True]
    alerts = undercut_alerts(out, "en")
    assert [a["subject"] for a in alerts] == ["x"] and alerts[0]["severity"] == "high"
    assert "5%" in alerts[0]["message_en"] and alerts[0]["message"] == alerts[0]["message_en"]


def test_competitor_summary_and_the_shop_row():
    comp = pd.DataFrame(
        {
            "month": END,
            "competitor": ["c1", "c1"],
            "item": ["a", "b"],
            "price": [10.0, 30.0],
            "monthly_sales": [5, 7],
            "rating": [4.0, 5.0],
            "promo_days": [31, 0],
            "search_share": [0.5, 0.7],
        }
    )
    out = competitor_summary(comp, END).set_index("competitor")
    # March has 31 days: mean promo days 15.5 / 31 = 0.5
    assert out.loc["c1"].to_dict() == pytest.approx(
        {
            "items": 2,
            "price": 20.0,
            "monthly_sales": 12,
            "rating": 4.5,
            "search_share": 0.6,
            "promo_share": 0.5,
        }
    )
    channel = pd.DataFrame({"date": [END, END], "channel": ["搜索", "推荐"], "uv": [30.0, 10.0]})
    promo = pd.DataFrame({"date": pd.to_datetime(["2026-03-08", "2026-03-09", "2026-04-01"])})
    daily = pd.DataFrame(
        {"date": [END, END], "sku_id": ["x", "y"], "gmv": [100.0, 30.0], "units": [2, 1]}
    )
    shop = shop_summary(daily, channel, promo, END)
    # prices 50 and 30 -> mean 40; 2 of 31 days on promotion; 搜索 30 of 40 visitors
    assert shop["price"] == 40.0 and shop["monthly_sales"] == 3
    assert shop["promo_share"] == pytest.approx(2 / 31)
    assert shop["search_share"] == 0.75 and shop["live_share"] == 0.0
    both = side_by_side(out.reset_index(), shop)
    assert both["competitor"].tolist() == [SHOP, "c1"]


def test_share_alert_only_in_growing_categories():
    life = pd.DataFrame(
        {
            "category": ["A", "B", "C"],
            "stage": ["growth", "mature", "emerging"],
            "growth": [0.2, 0.0, 0.5],
            "share_now": [0.09, 0.01, 0.07],
            "share_year_ago": [0.10, 0.02, 0.10],
            "share_change": [-0.10, -0.5, -0.30],
        }
    )
    alerts = share_alerts(life, S, "zh")
    # A: exactly -10 % -> medium; B is mature (no alert); C: -30 % <= -20 % -> high
    assert [(a["subject"], a["severity"]) for a in alerts] == [("A", "medium"), ("C", "high")]
    assert alerts[0]["message"] == alerts[0]["message_zh"] and "份额" in alerts[0]["message"]
    assert np.isclose(alerts[1]["value"], -0.30)
