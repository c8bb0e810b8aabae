"""This year vs last (hour by hour), mechanics compared and the discount what-if, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from promotion_calendar.promo_shop import events_frame, make_event

from helpers.promotion_calendar.evaluation import PHASE_COLUMNS, Evaluation
from helpers.promotion_calendar.live import burst_hours, hourly, pair_for, phase_days
from helpers.promotion_calendar.mechanics import (
    Elasticity,
    compare_mechanics,
    fit_elasticity,
    what_if,
)

D = pd.Timestamp


def _orders(rows):
    o = pd.DataFrame(rows, columns=["order_id", "paid_at", "paid_amount"])
    o["paid_at"] = pd.to_datetime(o["paid_at"])
    o["date"] = o["paid_at"].dt.normalize()
    return o


def test_hourly_by_hand():
    o = _orders(
        [
            ("a", "2025-11-11 00:30", 10.0),
            ("b", "2025-11-11 00:45", 5.0),
            ("c", "2025-11-11 23:10", 20.0),
            ("d", "2025-11-12 01:00", 99.0),
        ]
    )
    h = hourly(o, D("2025-11-11"))
    assert len(h) == 24
    assert (h.loc[0, "gmv"], h.loc[0, "orders"]) == (15.0, 2)
    assert h.loc[23, "gmv"] == 20.0 and h.loc[23, "cum_gmv"] == 35.0
    assert h["gmv"].sum() == 35.0  # the 11-12 order is another day


def test_burst_hours_and_pair():
    ev = events_frame(
        make_event("1111-2024", "双11", "2024-10-20", "2024-11-11", None, "2024-11-13"),
        make_event("1212-2024", "双12", "2024-12-08", "2024-12-12", None, "2024-12-13"),
        make_event("1111-2025", "双11", "2025-10-20", "2025-11-11", None, "2025-11-13"),
        make_event("99-2025", "99划算节", "2025-09-04", "2025-09-09", None, "2025-09-10"),
    )
    this, last = pair_for(ev, D("2025-11-15"), D("2024-01-01"))
    assert (this.promo_id, last.promo_id) == ("1111-2025", "1111-2024")
    # no data a year before: no pair
    assert pair_for(ev, D("2025-11-15"), D("2025-01-01")) is None
    o = _orders(
        [
            ("a", "2025-11-11 00:10", 30.0),
            ("b", "2024-11-11 00:20", 20.0),
            ("c", "2024-11-11 20:00", 10.0),
        ]
    )
    h = burst_hours(o, this, last)
    # hour 0: 30 vs 20 -> +50 %; end of day: 30 vs 30 -> 0
    assert h.loc[0, "cum_change"] == pytest.approx(0.5)
    assert h.loc[23, "cum_change"] == pytest.approx(0.0)
    daily = pd.DataFrame({"date": pd.date_range("2024-10-01", "2025-11-15")})
    daily["gmv"] = 1.0
    days = phase_days(daily, this, last)
    assert days["offset"].min() == -22 and days["offset"].max() == 2
    assert days.set_index("offset").loc[0, "date_this"] == D("2025-11-11")


def _phases(rows) -> Evaluation:
    out = []
    for pid, mech, rate, phase, uplift, inc in rows:
        r = dict.fromkeys(PHASE_COLUMNS, np.nan)
        out.append(
            r
            | {
                "promo_id": pid,
                "mechanic": mech,
                "discount_rate": rate,
                "phase": phase,
                "uplift": uplift,
                "incremental": inc,
            }
        )
    return Evaluation(pd.DataFrame(out, columns=PHASE_COLUMNS), pd.DataFrame(), "gmv")


def test_compare_mechanics_by_hand():
    ev = _phases(
        [
            ("a", "满减", 0.1, "burst", 1.0, 0),
            ("a", "满减", 0.1, "total", 0.2, 100.0),
            ("b", "满减", 0.2, "burst", 3.0, 0),
            ("b", "满减", 0.2, "total", 0.3, 300.0),
            ("c", "秒杀", 0.3, "burst", 0.5, 0),
            ("c", "秒杀", 0.3, "total", 0.1, 50.0),
        ]
    )
    econ = pd.DataFrame(
        {
            "promo_id": ["a", "b", "c"],
            "margin": [0.30, 0.20, 0.10],
            "baseline_margin": [0.35, 0.35, 0.35],
            "roi": [1.0, 0.0, -0.5],
        }
    )
    m = compare_mechanics(ev, econ).set_index("mechanic")
    # 满减: uplift (1 + 3) / 2 = 2; incremental (100 + 300) / 2 = 200; margin 0.25;
    # gap ((0.30 - 0.35) + (0.20 - 0.35)) / 2 x 100 = -10 pp; roi 0.5
    assert m.loc["满减"].to_dict() == pytest.approx(
        {
            "events": 2,
            "burst_uplift": 2.0,
            "incremental_gmv": 200.0,
            "margin": 0.25,
            "margin_gap_pp": -10.0,
            "roi": 0.5,
        }
    )
    assert m.index[0] == "满减"  # sorted by uplift
    assert m.loc["秒杀", "margin_gap_pp"] == pytest.approx(-25.0)


def test_what_if_by_hand():
    el = Elasticity(
        intercept=0.0, elasticity=2.0, events=5, price=100.0, unit_cost=60.0, max_depth=0.2
    )
    w = what_if(el, [0.0, 0.1]).set_index("depth")
    # d = 0.1: units (1 - 0.1)^-2 = 1.234568; GMV x 0.9 = 1.111111;
    # gross profit 1.234568 x (90 - 60) / (100 - 60) = 0.925926
    assert w.loc[0.1, "units_index"] == pytest.approx(1 / 0.81)
    assert w.loc[0.1, "gmv_index"] == pytest.approx(0.9 / 0.81)
    assert w.loc[0.1, "gross_profit_index"] == pytest.approx(30 / 40 / 0.81)
    assert w.loc[0.0].tolist() == pytest.approx([1.0, 1.0, 1.0])
    # default grid stops 5 points past the deepest discount seen
    assert what_if(el)["depth"].max() == pytest.approx(0.25)


@given(
    a=st.floats(min_value=-0.5, max_value=1.5),
    e=st.floats(min_value=0.0, max_value=6.0),
)
def test_fit_elasticity_recovers_an_exact_curve(a, e):
    depths = [0.05, 0.1, 0.15, 0.2, 0.3]
    rows = [
        (f"p{i}", "满减", d, "burst", np.exp(a) * (1 - d) ** -e - 1, 0.0)
        for i, d in enumerate(depths)
    ]
    el = fit_elasticity(_phases(rows), 100.0, 50.0)
    assert el.elasticity == pytest.approx(e, abs=1e-6)
    assert el.intercept == pytest.approx(a, abs=1e-6)
    assert el.max_depth == pytest.approx(0.3)


def test_fit_elasticity_needs_several_depths():
    rows = [(f"p{i}", "满减", 0.1, "burst", 1.0, 0.0) for i in range(4)]
    assert fit_elasticity(_phases(rows), 100.0, 50.0) is None


def test_paid_orders_are_cut_at_the_run_date():
    from helpers.promotion_calendar.economics import paid_orders

    raw = pd.DataFrame(
        {
            "order_id": ["a", "b", "c"],
            "customer_id": ["c1", "", "c2"],
            "created_at": pd.to_datetime(
                ["2025-11-10 23:00", "2025-11-11 00:10", "2025-11-12 09:00"]
            ),
            "paid_at": pd.to_datetime(["2025-11-11 00:01", "2025-11-11 00:11", "2025-11-12 09:01"]),
            "paid_amount": [10.0, 20.0, 40.0],
            "discount_amount": [1.0, 2.0, 4.0],
        }
    )
    o = paid_orders(raw, D("2025-11-11"))
    # order c was created after the run date: gone; the guest order keeps no customer id
    assert o["order_id"].tolist() == ["a", "b"]
    assert o["customer_id"].isna().tolist() == [False, True]
    assert hourly(o, D("2025-11-12"))["gmv"].sum() == 0.0  # nothing after the run date
    assert hourly(o, D("2025-11-11")).loc[0, "gmv"] == 30.0
