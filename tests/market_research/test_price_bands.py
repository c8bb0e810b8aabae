import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from market_research.conftest import END, months

from helpers.market_research.price_bands import (
    assign,
    band_label,
    band_table,
    choose_edges,
    edges_from_prices,
    price_bands,
    round_price,
    shop_item_prices,
)
from helpers.market_research.theme import MarketResearchSettings

S = MarketResearchSettings()


def test_round_price():
    assert [round_price(x) for x in (37, 99, 149, 1234, 0)] == [30, 90, 140, 1200, 0]


def test_band_edges_from_quantiles():
    # prices 10..100 step 10; 4 bands: quantiles 0.25/0.5/0.75 = 32.5, 55, 77.5 -> 30, 50, 70
    prices = pd.Series(np.arange(10, 101, 10), dtype=float)
    assert edges_from_prices(prices, 4) == (0.0, 30.0, 50.0, 70.0)
    assert edges_from_prices(pd.Series([], dtype=float), 4) == (0.0,)


def test_a_price_on_an_edge_belongs_to_the_band_above():
    out = assign(pd.Series([0.0, 99.99, 100.0, 199.0, 200.0, 5000.0, np.nan]), [0, 100, 200])
    assert list(out) == ["0-100", "0-100", "100-200", "100-200", "200+", "200+", None]
    assert band_label(200, None) == "200+"


@given(st.lists(st.floats(0, 10_000), min_size=1, max_size=30))
def test_every_price_falls_in_exactly_one_band(prices):
    edges = [0, 50, 100, 500]
    out = assign(pd.Series(prices), edges)
    for price, band in zip(prices, out, strict=True):
        lo, _, hi = band.partition("-")
        lo = float(lo.rstrip("+"))
        assert lo <= price and (not hi or price < float(hi))


def test_edges_come_from_settings_then_market_then_shop():
    market = pd.DataFrame({"price_min": [0.0, 100.0, 50.0]})
    shop = pd.Series([10.0, 20.0, 30.0, 40.0])
    assert choose_edges(market, shop, MarketResearchSettings(price_edges=(0, 80))) == (
        (0.0, 80.0),
        "settings",
    )
    assert choose_edges(market, shop, S) == ((0.0, 50.0, 100.0), "market")
    assert choose_edges(None, shop, S)[1] == "shop"


def market_bands() -> pd.DataFrame:
    """Bands 0 / 100 / 200+ over 15 months.

    Window now (last 3 months) vs a year earlier, per band:
      0-100:   3 x 50 = 150 vs 3 x 50 = 150 -> growth 0,   share 150 / 300 = 0.50
      100-200: 3 x 30 =  90 vs 3 x 30 =  90 -> growth 0,   share 0.30
      200+:    3 x 20 =  60 vs 3 x 50/3 = 50 -> growth 0.20, share 60 / 300 = 0.20
    """
    m = months(15)
    top = [50 / 3] * 12 + [20.0] * 3
    rows = []
    for i, month in enumerate(m):
        rows += [
            (month, "A", 0.0, 100.0, 50.0),
            (month, "A", 100.0, 200.0, 30.0),
            (month, "A", 200.0, np.nan, top[i]),
        ]
    return pd.DataFrame(rows, columns=["month", "category", "price_min", "price_max", "market_gmv"])


def test_band_table_by_hand():
    shop = pd.DataFrame(
        {
            "sku_id": ["a", "b", "c"],
            "category": "A",
            "gmv": [30.0, 10.0, 60.0],
            "price": [50, 99, 150],
        }
    )
    out = band_table(shop, market_bands(), [0, 100, 200], END, S).set_index("band")
    assert list(out["shop_items"]) == [2, 1, 0]
    assert list(out["shop_share"]) == [0.4, 0.6, 0.0]  # 40 / 100, 60 / 100
    assert list(out["market_share"]) == pytest.approx([0.5, 0.3, 0.2])
    assert out.loc["200+", "market_growth"] == pytest.approx(0.20)
    assert list(out["best"]) == [True, False, False]
    # 200+: no shop item, share 0.20 >= 0.10, growth exactly 0.20 -> a growing band missed
    assert out.loc["200+", "missed"] and out.loc["200+", "growing_missed"]
    strict = MarketResearchSettings(band_min_share=0.2000001)
    assert not band_table(shop, market_bands(), [0, 100, 200], END, strict).iloc[2]["missed"]


def test_price_bands_without_market_show_the_shop_alone():
    daily = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-02-03", "2026-03-04", "2026-03-05"]),
            "sku_id": ["a", "a", "b"],
            "gmv": [100.0, 100.0, 90.0],
            "units": [2, 2, 1],
        }
    )
    products = pd.DataFrame({"sku_id": ["a", "b"], "category": ["A", "A"]})
    items = shop_item_prices(daily, products, months(3)).set_index("sku_id")
    assert items.loc["a", "price"] == 50.0 and items.loc["b", "price"] == 90.0  # gmv / units
    out = price_bands(items.reset_index(), None, END, S)
    assert "market_gmv" not in out and set(out["edges_from"]) == {"shop"}
    assert out["shop_gmv"].sum() == 290.0
