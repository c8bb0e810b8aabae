"""Item sales net of refunds and credit notes, checked by hand on the conftest shop."""

from __future__ import annotations

import pandas as pd
import pytest
from product_matrix.conftest import END

from helpers.product_matrix.sales import daily_demand, item_sales, weekly_rate


def test_item_sales_net_of_refunds(daily_item, refunds, products):
    t = item_sales(daily_item, refunds, end=END, days=30, products=products).set_index("sku_id")
    # D sold on 02-01 (outside 03-02..03-31); P is postage: neither is listed
    assert list(t.index) == ["A", "B", "C"]
    # A: gmv 300 + 100 = 400, credit note 100 -> revenue 300; units 4 - 1 = 3
    # gross profit = 300 - 60 x 3 = 120, margin 120 / 300 = 0.4
    assert t.loc["A", "revenue"] == pytest.approx(300.0)
    assert t.loc["A", "net_units"] == 3
    assert t.loc["A", "gross_profit"] == pytest.approx(120.0)
    assert t.loc["A", "margin"] == pytest.approx(0.4)
    assert t.loc["A", "avg_price"] == pytest.approx(100.0)  # 400 / 4
    # B: 200 - 100 = 100; units 2 - 1 = 1; profit 100 - 40 = 60
    assert t.loc["B", "revenue"] == pytest.approx(100.0)
    assert t.loc["B", "gross_profit"] == pytest.approx(60.0)
    # C: its refund is on 04-01, after the window: revenue 50, profit 50 - 10 = 40
    assert t.loc["C", "revenue"] == pytest.approx(50.0)
    assert t.loc["C", "margin"] == pytest.approx(0.8)
    # the refund naming no item (R3) is not attributed to anyone
    assert t["refunds"].sum() == pytest.approx(200.0)


def test_a_sale_reversed_by_a_credit_note_does_not_rank_first():
    """The Online Retail case: a 77,183.60 sale reversed minutes later by a credit note."""
    di = pd.DataFrame(
        {
            "date": [END, END],
            "channel": ["未知", "未知"],
            "sku_id": ["23166", "85123A"],
            "gmv": [77183.60, 500.0],
            "units": [74215, 200],
            "orders": [1, 20],
        }
    )
    ref = pd.DataFrame(
        {
            "case_id": ["C541433"],
            "order_id": [None],
            "sku_id": ["23166"],
            "requested_at": [END + pd.Timedelta(hours=10)],
            "date": [END],
            "refund_amount": [77183.60],
            "quantity": [74215],
            "reason": [None],
            "type": ["cancellation"],
        }
    )
    t = item_sales(di, ref, end=END, days=30)
    assert t["sku_id"].iloc[0] == "85123A"
    assert t.set_index("sku_id").loc["23166", "revenue"] == pytest.approx(0.0)
    demand = daily_demand(di, ref, skus=["23166", "85123A"], start=END, end=END)
    assert demand.loc[END, "23166"] == 0  # 74215 - 74215
    assert demand.loc[END, "85123A"] == 200


def test_daily_demand_keeps_returns_and_fills_zero_days(daily_item, refunds):
    d = daily_demand(
        daily_item, refunds, skus=["A", "B"], start=pd.Timestamp("2026-03-29"), end=END
    )
    assert d.shape == (3, 2)
    # A: 03-29 none, 03-30 3 units, 03-31 1 unit - 1 cancelled = 0
    assert d["A"].tolist() == [0.0, 3.0, 0.0]
    # B: the return is not a cancellation: demand stays 2
    assert d["B"].tolist() == [0.0, 0.0, 2.0]


def test_weekly_rate_divides_promo_days_by_their_uplift():
    dates = pd.date_range("2026-03-18", END, freq="D")  # 14 days = weeks 1 and 0
    demand = pd.DataFrame({"A": 2.0}, index=dates)
    demand.loc[END, "A"] = 6.0  # a burst day sells 3x
    factor = pd.Series({END: 3.0})
    rate = weekly_rate(demand, factor, END)
    # burst day 6 / 3 = 2: both weeks have a rate of exactly 2 units/day
    assert rate["A"].tolist() == [2.0, 2.0]
    assert list(rate.index) == [END - pd.Timedelta(days=7), END]
