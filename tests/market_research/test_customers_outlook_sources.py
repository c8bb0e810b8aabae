import numpy as np
import pandas as pd
import pytest
from market_research.conftest import END, months

from helpers.facts import build_facts
from helpers.market_research.customers import (
    buyer_table,
    groups,
    paid_lines,
    preference,
    spending_bands,
)
from helpers.market_research.outlook import PERIOD, fill_gaps, outlook
from helpers.market_research.sources import CONVERTED, figure_kinds, with_values


def test_spending_bands_by_tertile():
    # order values 10, 20, ..., 90: tertiles at 36.67 and 63.33
    cust = pd.DataFrame({"gmv": np.arange(10.0, 100.0, 10.0), "orders": 1})
    band, (lo, hi) = spending_bands(cust)
    assert list(band) == ["low"] * 3 + ["mid"] * 3 + ["high"] * 3
    assert lo == pytest.approx(110 / 3) and hi == pytest.approx(190 / 3)


def test_groups_by_hand():
    facts_customers = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "orders": [1, 2, 1, 0],
            "gmv": [100.0, 300.0, 50.0, 0.0],
        }
    )
    attrs = pd.DataFrame({"customer_id": ["a", "b", "d"], "region": ["浙江", "浙江", "上海"]})
    buyers = buyer_table(facts_customers, attrs)
    assert len(buyers) == 3  # d never paid
    assert buyers.set_index("customer_id").loc["c", "region"] == "未知"
    bought = pd.DataFrame(
        {
            "customer_id": ["a", "b", "b", "c"],
            "category": ["X", "X", "Y", "Y"],
            "value": [100.0, 100.0, 200.0, 50.0],
        }
    )
    out = groups(buyers, "region", bought).set_index("group")
    # 浙江: 2 buyers of 3, GMV 400 of 450, 3 orders -> 1.5 orders a buyer, AOV 133.33;
    # goods: X 200, Y 200 -> tie, first one in order (X), share 0.5
    assert out.loc["浙江", "buyers"] == 2 and out.loc["浙江", "buyer_share"] == pytest.approx(2 / 3)
    assert out.loc["浙江", "gmv_share"] == pytest.approx(400 / 450)
    assert out.loc["浙江", "orders_per_buyer"] == 1.5
    assert out.loc["浙江", "aov"] == pytest.approx(400 / 3)
    assert out.loc["浙江", "top_category_share"] == 0.5
    assert out.loc["未知", "top_category"] == "Y"


def test_paid_lines_read_the_facts_and_stop_at_the_run_date():
    orders = pd.DataFrame(
        {
            "order_id": ["o0", "o1", "o2", "o3"],
            "customer_id": ["a", "a", "a", None],
            "created_at": pd.to_datetime(
                ["2025-03-01 09:00", "2026-03-01 09:00", "2026-03-01 23:00", "2026-03-01 00:00"]
            ),
            "paid_at": pd.to_datetime(
                ["2025-03-01 10:00", "2026-03-01 10:00", "2026-03-02 00:00", "2026-03-01 00:00"]
            ),
            "paid_amount": [4.0, 10.0, 7.0, 9.0],
        }
    )
    items = pd.DataFrame(
        {
            "order_id": ["o0", "o1", "o2", "o3"],
            "sku_id": ["s", "s", "s", "s"],
            "quantity": [1, 2, 1, 1],
            "unit_price": [4.0, 5.0, 7.0, 9.0],
        }
    )
    products = pd.DataFrame({"sku_id": ["s"], "category": ["X"]})
    run = pd.Timestamp("2026-03-01")
    facts = build_facts({"orders": orders, "order_items": items, "products": products}, run)
    out = paid_lines(facts.buyer_categories, run)
    # o2 was paid after the run date, o3 is a guest order, o0 (2025-03-01) lies before the
    # 365 days 2025-03-02..2026-03-01: a buys 2 x 5 = 10 of X
    assert out.to_dict("records") == [{"customer_id": "a", "category": "X", "value": 10.0}]
    # without a window limit o0 counts too: 10 + 1 x 4 = 14
    assert paid_lines(facts.buyer_categories, run, days=400)["value"].tolist() == [14.0]


def test_fill_gaps_interpolates_short_gaps_only():
    idx = months(10)
    s = pd.Series([1.0, 2.0, np.nan, 8.0, 16.0, np.nan, np.nan, np.nan, 5.0, 0.0], index=idx)
    filled, mask = fill_gaps(s)
    # a 3-month gap is too long: only 2026-02 onwards (5.0) is kept, the trailing 0 is dropped
    assert list(filled) == [5.0] and not mask.any()
    s2 = pd.Series([1.0, np.nan, 4.0], index=months(3))
    filled, mask = fill_gaps(s2)
    assert filled.iloc[1] == pytest.approx(2.0)  # log-linear: sqrt(1 x 4)
    assert list(mask) == [False, True, False]


def test_outlook_needs_two_years_and_forecasts_with_an_interval():
    short = pd.Series(100.0, index=months(2 * PERIOD - 1))
    res = outlook(short, "A")
    assert res.forecast.empty and "24" in res.note
    rng = np.random.default_rng(1)
    idx = months(36)
    season = 1 + 0.3 * (idx.month == 11)
    series = pd.Series(1000 * season * np.exp(rng.normal(0, 0.03, 36)), index=idx)
    series.iloc[10] = np.nan  # a gap STL could not take
    res = outlook(series, "A", months=3, interval=0.8)
    assert res.filled == 1 and not res.note
    assert list(res.forecast["month"]) == list(
        pd.date_range(END + pd.DateOffset(months=1), periods=3, freq="MS")
    )
    f = res.forecast
    assert (f["lower"] < f["mean"]).all() and (f["mean"] < f["upper"]).all()
    assert res.seasonal_strength > 0.5
    assert res.history["trend"].notna().all()


def test_kinds_say_index_or_value_and_show_the_conversion():
    market = pd.DataFrame(
        {
            "month": [END, END],
            "category": ["A", "B"],
            "trade_index": [100.0, 400.0],
            "market_gmv": [5.0, np.nan],
        }
    )
    kinds = figure_kinds({"market": market}, scale=2.0, exponent=0.5).set_index("column")
    assert kinds.loc["trade_index", "kind"] == "index"
    conv = kinds.loc["market_gmv"]
    assert (
        list(conv["kind"]) == ["value", CONVERTED]
        and "2 × trade_index ^ 0.5" in conv["assumption"].iloc[1]
    )
    # B's market size: 2 x 400 ^ 0.5 = 40; A keeps its real 5
    filled = with_values(market, scale=2.0, exponent=0.5)
    assert list(filled["market_gmv"]) == [5.0, 40.0] and list(filled["gmv_basis"]) == [
        "value",
        CONVERTED,
    ]
    assert list(with_values(market, scale=None)["gmv_basis"]) == ["value", "index"]


def test_preference_index_by_hand():
    buyers = pd.DataFrame({"customer_id": ["a", "b"], "region": ["浙江", "上海"]})
    bought = pd.DataFrame(
        {"customer_id": ["a", "a", "b"], "category": ["X", "Y", "X"], "value": [30.0, 10.0, 60.0]}
    )
    out = preference(buyers, "region", bought)
    # all buyers: X 90 of 100 (0.9), Y 0.1; 浙江: X 30/40 = 0.75 -> 100 x 0.75 / 0.9 = 83.3,
    # Y 0.25 / 0.1 -> 250; 上海: X 1.0 / 0.9 -> 111.1, Y 0
    assert out.loc["浙江", "X"] == pytest.approx(250 / 3)
    assert out.loc["浙江", "Y"] == pytest.approx(250.0)
    assert out.loc["上海", "X"] == pytest.approx(1000 / 9) and out.loc["上海", "Y"] == 0.0
