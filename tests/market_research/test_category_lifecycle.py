import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from market_research.conftest import END, months

from helpers.market_research.lifecycle import (
    STAGES,
    category_growth,
    lifecycle,
    share_change,
    shop_monthly,
    shop_share,
    stage_of,
)
from helpers.market_research.theme import MarketResearchSettings

S = MarketResearchSettings()


@pytest.mark.parametrize(
    ("growth", "share", "stage"),
    [
        (0.30, 0.15, "emerging"),  # both exactly at their boundary: emerging
        (0.30, 0.1500001, "growth"),  # a little too large to be emerging
        (0.2999999, 0.01, "growth"),  # a little too slow to be emerging
        (0.10, 0.5, "growth"),  # exactly growth_min
        (0.0999999, 0.5, "mature"),
        (-0.0499999, 0.5, "mature"),
        (-0.05, 0.01, "decline"),  # exactly decline_max
        (float("nan"), 0.1, "unknown"),
        (0.5, float("nan"), "growth"),  # size share unknown: never emerging
    ],
)
def test_stage_rule_at_its_boundaries(growth, share, stage):
    assert stage_of(growth, share, S) == stage


def test_stage_rule_is_configurable():
    strict = MarketResearchSettings(growth_min=0.2, decline_max=0.0)
    assert stage_of(0.15, 0.5, strict) == "mature"
    assert stage_of(0.0, 0.5, strict) == "decline"


ORDER = {"decline": 0, "mature": 1, "growth": 2, "emerging": 3}


@given(
    st.floats(-1, 3, allow_nan=False),
    st.floats(-1, 3, allow_nan=False),
    st.floats(0, 1, allow_nan=False),
)
def test_faster_growth_never_means_an_earlier_stage(g1, g2, share):
    lo, hi = sorted((g1, g2))
    assert ORDER[stage_of(lo, share, S)] <= ORDER[stage_of(hi, share, S)]
    assert stage_of(lo, share, S) in STAGES


def test_category_growth_and_stages_by_hand(tiny_market):
    out = category_growth(tiny_market, END, 3).set_index("category")
    assert out.loc["A", "basis"] == "market_gmv"
    assert out.loc["A", "growth"] == 0.30
    # A's share of the window: 390 / (390 + 2850) = 0.12037
    assert out.loc["A", "size_share"] == pytest.approx(390 / 3240)
    assert out.loc["A", "search_growth"] == 0.30  # 195 / 150 - 1
    assert out.loc["B", "search_growth"] == 0.0


def test_category_growth_falls_back_to_an_index(tiny_market):
    out = category_growth(tiny_market.drop(columns="market_gmv"), END, 3).set_index("category")
    assert list(out["basis"]) == ["search_index", "search_index"]
    assert out.loc["A", "growth"] == 0.30 and out.loc["B", "growth"] == 0.0


def test_lifecycle_stage_now_before_and_share(tiny_market):
    # shop: 13 in A every month of the window now (share 39 / 390 = 0.10), 15 a year ago
    # (45 / 300 = 0.15) -> share change 0.10 / 0.15 - 1 = -1/3
    shop = pd.DataFrame({"month": list(months(15)), "category": "A", "shop_gmv": 15.0})
    shop.loc[shop["month"] > END - pd.DateOffset(months=3), "shop_gmv"] = 13.0
    out = lifecycle(tiny_market, shop, END, S).set_index("category")
    # A: +30 % with a 12 % share -> emerging; B: -5 % -> decline
    assert out.loc["A", "stage"] == "emerging" and out.loc["B", "stage"] == "decline"
    # three months earlier (window 2025-10..12) every month was flat: mature
    assert out.loc["A", "stage_before"] == "unknown"  # only 12 months of history then
    assert not out["changed"].any()
    assert out.loc["A", "share_now"] == pytest.approx(0.10)
    assert out.loc["A", "share_year_ago"] == pytest.approx(0.15)
    assert out.loc["A", "share_change"] == pytest.approx(-1 / 3)
    assert out.loc["B", "share_now"] == 0.0


def test_share_needs_a_real_market_size():
    market = pd.DataFrame({"month": [END], "category": ["A"], "trade_index": [5.0]})
    assert shop_share(market, pd.DataFrame(columns=["month", "category", "shop_gmv"])).empty
    assert share_change(shop_share(market, pd.DataFrame()), END, 3).empty


def test_shop_monthly_cuts_at_the_last_complete_month():
    daily = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-02-01", "2026-03-05", "2026-03-20", "2026-04-02"]),
            "sku_id": ["x", "x", "y", "x"],
            "gmv": [1.0, 10.0, 5.0, 99.0],
        }
    )
    products = pd.DataFrame({"sku_id": ["x"], "category": ["A"]})
    out = shop_monthly(daily, products, END).set_index(["month", "category"])["shop_gmv"]
    # y has no product row; April is not over by END's month; the data start on 02-01
    assert out.to_dict() == {
        (pd.Timestamp("2026-02-01"), "A"): 1.0,
        (pd.Timestamp("2026-03-01"), ""): 5.0,
        (pd.Timestamp("2026-03-01"), "A"): 10.0,
    }
    # data starting on 02-05 leave February out: a part month would look like a fall
    later = shop_monthly(daily.assign(date=daily["date"] + pd.Timedelta(days=4)), products, END)
    assert list(later["month"].unique()) == [pd.Timestamp("2026-03-01")]


def test_stage_change_is_reported():
    # C is flat until 3 months ago, then +50 % with 450 / (450 + 30,000) = 1.5 % of the
    # market: mature three months ago, emerging now
    m = months(18)
    values = [100.0] * 15 + [150.0] * 3
    market = pd.DataFrame({"month": m, "category": "C", "market_gmv": values})
    market = pd.concat(
        [market, pd.DataFrame({"month": m, "category": "D", "market_gmv": 10_000.0})]
    )
    out = lifecycle(market, None, END, S).set_index("category")
    assert out.loc["C", "stage_before"] == "mature" and out.loc["C", "stage"] == "emerging"
    assert bool(out.loc["C", "changed"]) and not bool(out.loc["D", "changed"])
    assert math.isnan(out.loc["C", "share_now"])
