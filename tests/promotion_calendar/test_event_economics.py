"""Event economics on a hand-made event whose every figure is computed in the comments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from promotion_calendar.promo_shop import events_frame, make_event

from helpers.promotion_calendar.economics import daily_margin, event_economics, first_two_orders
from helpers.promotion_calendar.evaluation import PHASE_COLUMNS, Evaluation
from helpers.promotion_calendar.theme import PromotionCalendarSettings

D = pd.Timestamp
RUN = D("2025-04-30")
S = PromotionCalendarSettings(pre_days=1, post_days=1, baseline_days=2, return_window_days=10)
# watched: pre 03-09, warm-up 03-10, burst 03-11, after-glow 03-12, post 03-13
EVENT = make_event("e1", "店庆", "2025-03-10", "2025-03-11", None, "2025-03-12")


def _evaluation() -> Evaluation:
    row = dict.fromkeys(PHASE_COLUMNS, np.nan)
    row |= {
        "promo_id": "e1",
        "name": "店庆",
        "phase": "total",
        "actual": 700.0,
        "baseline": 500.0,
        "incremental": 200.0,
    }
    return Evaluation(pd.DataFrame([row], columns=PHASE_COLUMNS), pd.DataFrame(), "gmv")


def _inputs():
    dates = pd.date_range("2025-03-01", "2025-03-31")
    ordinary = pd.Series(dates < D("2025-03-09"), index=dates)  # base days: 03-07, 03-08
    margins = pd.DataFrame(
        {
            "date": pd.to_datetime(
                [
                    "2025-03-07",
                    "2025-03-08",
                    "2025-03-09",
                    "2025-03-10",
                    "2025-03-11",
                    "2025-03-12",
                    "2025-03-13",
                ]
            ),
            "costed_gmv": [100.0, 100, 100, 100, 300, 100, 100],
            "costed_units": [1.0, 1, 1, 1, 3, 1, 1],
            "cost": [50.0, 50, 50, 60, 210, 60, 50],
        }
    )
    ad = {
        "2025-03-07": 10.0,
        "2025-03-08": 10.0,
        "2025-03-10": 20.0,
        "2025-03-11": 40.0,
        "2025-03-12": 10.0,
    }
    daily = pd.DataFrame({"date": dates, "ad_spend": [ad.get(f"{d:%Y-%m-%d}", 0.0) for d in dates]})
    orders = pd.DataFrame(
        [
            ("o1", "c1", "2025-03-10 10:00", 5.0, 100.0),
            ("o2", "c2", "2025-03-11 10:00", 15.0, 200.0),
            ("o3", None, "2025-03-11 11:00", 0.0, 50.0),
            ("o4", "c3", "2025-03-12 09:00", 10.0, 100.0),
            ("o5", "c4", "2025-03-07 09:00", 0.0, 80.0),
            ("o6", "c5", "2025-03-08 09:00", 0.0, 80.0),
            ("o7", "c1", "2025-03-15 09:00", 0.0, 60.0),
            ("o8", "c2", "2025-03-30 09:00", 0.0, 60.0),
            ("o9", "c4", "2025-03-12 12:00", 0.0, 50.0),
        ],
        columns=["order_id", "customer_id", "paid_at", "discount_amount", "paid_amount"],
    )
    orders["paid_at"] = pd.to_datetime(orders["paid_at"])
    orders["date"] = orders["paid_at"].dt.normalize()
    return ordinary, margins, daily, orders


def test_event_economics_by_hand():
    ordinary, margins, daily, orders = _inputs()
    out = event_economics(
        _evaluation(),
        events_frame(EVENT),
        daily=daily,
        margins=margins,
        orders=orders,
        refunded=pd.Index(["o2", "o5"]),
        ordinary=ordinary,
        run_date=RUN,
        settings=S,
    ).iloc[0]
    # window 03-10..03-12: costed GMV 100+300+100 = 500, cost 60+210+60 = 330 -> 170/500
    assert out["margin"] == pytest.approx(0.34)
    # base 03-07, 03-08: (200 - 100) / 200
    assert out["baseline_margin"] == pytest.approx(0.5)
    # discounts of orders paid in the window: o1 5 + o2 15 + o3 0 + o4 10 + o9 0
    assert out["discount_cost"] == pytest.approx(30.0)
    # ads: window 20 + 40 + 10 = 70, base mean 10/day x 3 days = 30 -> 40 extra
    assert out["extra_ad_spend"] == pytest.approx(40.0)
    # watched margin: (700 - 430) / 700; incremental GP = 700 x 270/700 - 500 x 0.5 - 40
    assert out["incremental_gross_profit"] == pytest.approx(-20.0)
    assert out["promotion_cost"] == pytest.approx(70.0)
    assert out["roi"] == pytest.approx(-20.0 / 70.0)
    # window orders o1 o2 o3 o4 o9: one refunded (o2) -> 1/5; base o5 o6: o5 -> 1/2
    assert out["refund_rate"] == pytest.approx(0.2)
    assert out["baseline_refund_rate"] == pytest.approx(0.5)
    # new in the window: c1, c2, c3 (c4 first bought on 03-07; the guest order o3 has no id)
    # within 10 days: c1 (03-15) yes, c2 (03-30) no, c3 none -> 1/3
    assert (out["new_customers"], out["returned_known"], out["returned"]) == (3, 3, 1)
    assert out["return_share"] == pytest.approx(1 / 3)
    # base: c4 came back on 03-12, c5 did not -> 1/2
    assert out["baseline_return_share"] == pytest.approx(0.5)
    assert out["window_gmv"] == pytest.approx(100 + 200 + 50 + 100 + 50)


def test_open_return_window_is_not_counted():
    ordinary, margins, daily, orders = _inputs()
    out = event_economics(
        _evaluation(),
        events_frame(EVENT),
        daily=daily,
        margins=margins,
        orders=orders,
        refunded=None,
        ordinary=ordinary,
        run_date=D("2025-03-20"),
        settings=S,
    ).iloc[0]
    # run date 03-20: c1 (03-10 + 10 days < 03-21) closed; c2 (03-11 + 10 = 03-21) still open
    assert (out["new_customers"], out["returned_known"], out["returned"]) == (3, 1, 1)
    assert np.isnan(out["refund_rate"])


def test_daily_margin_by_hand():
    items = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-01"] * 3),
            "sku_id": ["A", "B", "X"],
            "gmv": [100.0, 50.0, 30.0],
            "units": [2, 1, 1],
        }
    )
    products = pd.DataFrame({"sku_id": ["A", "B"], "unit_cost": [30.0, 20.0]})
    m = daily_margin(items, products).iloc[0]
    # X has no cost: costed GMV 150, units 3, cost 2 x 30 + 1 x 20 = 80
    assert (m["costed_gmv"], m["costed_units"], m["cost"]) == (150.0, 3, 80.0)
    assert daily_margin(items, None).empty


def test_first_two_orders():
    _, _, _, orders = _inputs()
    f = first_two_orders(orders)
    assert f.loc["c1", "first"] == D("2025-03-10 10:00")
    assert f.loc["c1", "second"] == D("2025-03-15 09:00")
    assert pd.isna(f.loc["c3", "second"])
    assert len(f) == 5  # the guest order has no customer
