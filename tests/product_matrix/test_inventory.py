"""Safety stock, reorder point and order quantity: a worked example, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.product_matrix.inventory import (
    Festival,
    festival_risk,
    latest_stock,
    next_festival,
    reorder_plan,
    slow_movers,
    stockout_days,
)

RUN = pd.Timestamp("2026-11-15")


def _plan(on_hand: float, lead: float | None = 9.0, series=(8, 12, 10, 14, 6)):
    stock = pd.DataFrame(
        {"sku_id": ["A"], "stock_date": [RUN], "on_hand": [on_hand], "lead_time_days": [lead]}
    )
    demand = pd.DataFrame({"A": [float(x) for x in series]})
    return reorder_plan(
        stock, demand, service_level=0.95, default_lead_time=4.0, review_days=7
    ).iloc[0]


def test_worked_example():
    # daily demand 8, 12, 10, 14, 6: mu = 50 / 5 = 10
    # sigma (ddof 1) = sqrt((4 + 4 + 0 + 16 + 16) / 4) = sqrt(10) = 3.1623
    # z(95 %) = 1.6449; lead time L = 9 days
    # safety stock = 1.6449 x 3.1623 x sqrt(9) = 1.6449 x 3.1623 x 3 = 15.605
    # reorder point = 10 x 9 + 15.605 = 105.605
    r = _plan(on_hand=100.0)
    assert r["mean_daily"] == pytest.approx(10.0)
    assert r["sd_daily"] == pytest.approx(np.sqrt(10.0))
    assert r["safety_stock"] == pytest.approx(15.605, abs=1e-3)
    assert r["reorder_point"] == pytest.approx(105.605, abs=1e-3)
    # 100 on hand <= 105.6: restock; order up to ROP + 7 days x 10 = 175.605 -> 75.605 -> 76
    assert bool(r["restock_now"])
    assert r["order_qty"] == 76
    assert r["days_of_cover"] == pytest.approx(10.0)  # 100 / 10


def test_no_restock_above_the_reorder_point_and_default_lead_time():
    r = _plan(on_hand=200.0)
    assert not r["restock_now"] and r["order_qty"] == 0
    # no lead time in the inventory table: the configured default (4 days) is used
    # safety stock = 1.6449 x 3.1623 x 2 = 10.403; ROP = 40 + 10.403
    r = _plan(on_hand=200.0, lead=np.nan)
    assert r["lead_time_days"] == 4.0
    assert r["reorder_point"] == pytest.approx(50.403, abs=1e-3)


def test_no_demand_means_infinite_cover_and_no_order():
    r = _plan(on_hand=5.0, series=(0, 0, 0))
    assert np.isinf(r["days_of_cover"]) and not r["restock_now"]


def test_festival_risk_by_hand():
    plan = pd.DataFrame(
        {
            "sku_id": ["A", "B"],
            "on_hand": [300.0, 400.0],
            "mean_daily": [10.0, 10.0],
            "days_of_cover": [30.0, 40.0],
            "lead_time_days": [9.0, 9.0],
            "safety_stock": [15.0, 15.0],
            "order_qty": [0.0, 0.0],
        }
    )
    fest = Festival(
        "双12", pd.Timestamp("2026-12-08"), pd.Timestamp("2026-12-12"), pd.Timestamp("2026-12-12")
    )
    r = festival_risk(plan, fest, run_date=RUN, uplift=3.0).set_index("sku_id")
    # 11-16 .. 12-12 = 27 days, one of them the burst: need = 10 x 26 + 10 x 3 x 1 = 290
    assert r.loc["A", "festival_demand"] == pytest.approx(290.0)
    assert not r.loc["A", "stockout_risk"]  # 300 >= 290
    plan.loc[0, "on_hand"] = 250.0
    r = festival_risk(plan, fest, run_date=RUN, uplift=3.0).set_index("sku_id")
    assert r.loc["A", "stockout_risk"]
    # order by = run date + floor(30 days of cover) - 9 days lead time = 12-06
    assert r.loc["A", "order_by"] == pd.Timestamp("2026-12-06")
    # enough to last through the burst: 290 + 15 safety stock - 250 on hand = 55
    assert r.loc["A", "order_qty"] == 55
    assert r.loc["B", "order_qty"] == 0  # 400 >= 290: no risk, nothing to add


def test_next_festival_comes_from_the_calendar():
    f = next_festival(RUN, "cn")
    assert f.name == "双12" and f.start == pd.Timestamp("2026-12-12")
    assert next_festival(pd.Timestamp("2026-11-10"), "cn").name == "双11"
    assert next_festival(RUN, "none") is None


def test_latest_stock_stockout_days_and_slow_movers():
    inv = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-11-13", "2026-11-14", "2026-11-15", "2026-11-16"] * 2),
            "sku_id": ["A"] * 4 + ["B"] * 4,
            "on_hand": [0, 0, 5, 99, 50, 50, 50, 50],
            "lead_time_days": [7.0] * 8,
        }
    )
    s = latest_stock(inv, end=RUN).set_index("sku_id")
    assert s.loc["A", "on_hand"] == 5  # the 11-16 snapshot is after the run date
    assert stockout_days(inv, end=RUN, days=3).to_dict() == {"A": 2, "B": 0}
    plan = pd.DataFrame(
        {
            "sku_id": ["A", "B", "C"],
            "on_hand": [5.0, 50.0, 10.0],
            "days_of_cover": [2.0, 500.0, 20.0],
        }
    )
    last = pd.Series({"A": RUN, "B": RUN - pd.Timedelta(days=3), "C": RUN - pd.Timedelta(days=40)})
    slow = slow_movers(plan, last, run_date=RUN, no_sale_days=30, cover_days=120).set_index(
        "sku_id"
    )
    # B: 500 days of cover > 120 -> overstock; C: no sale for 40 >= 30 days -> no_sale
    assert slow["slow_reason"].to_dict() == {"B": "overstock", "C": "no_sale"}
    assert slow.loc["C", "days_since_sale"] == 40


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=50), min_size=2, max_size=30),
    st.floats(min_value=0, max_value=500),
    st.floats(min_value=1, max_value=40),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_reorder_plan_properties(series, on_hand, lead, level):
    stock = pd.DataFrame(
        {"sku_id": ["A"], "stock_date": [RUN], "on_hand": [on_hand], "lead_time_days": [lead]}
    )
    demand = pd.DataFrame({"A": [float(x) for x in series]})

    def plan(service):
        return reorder_plan(
            stock, demand, service_level=service, default_lead_time=7.0, review_days=7
        ).iloc[0]

    r = plan(level)
    mu = float(np.mean(series))
    assert r["order_qty"] >= 0 and r["safety_stock"] >= 0
    assert r["reorder_point"] >= mu * lead - 1e-9  # never below the lead-time demand
    if r["restock_now"]:
        # the order brings the stock up to at least the reorder point plus a review period
        assert on_hand + r["order_qty"] >= r["reorder_point"] + mu * 7 - 1e-6
    # a higher service level never asks for less safety stock
    assert plan(0.99)["safety_stock"] >= plan(0.8)["safety_stock"] - 1e-9
