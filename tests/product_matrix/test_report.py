"""Alerts of the product matrix on a hand-made result: which items, which severity, limits."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from helpers.product_matrix.inventory import Festival
from helpers.product_matrix.report import matrix_alerts

RUN = pd.Timestamp("2026-11-15")


def _pm() -> SimpleNamespace:
    stock = pd.DataFrame(
        {
            "sku_id": ["late", "order_now", "later", "fine", "c_item"],
            "title": ["甲", "乙", "丙", "丁", None],
            "abc_revenue": ["A", "A", "A", "A", "C"],
            "on_hand": [5.0, 100.0, 150.0, 900.0, 1.0],
            "days_of_cover": [2.0, 10.0, 15.0, 90.0, 1.0],
            "lead_time_days": [9.0, 7.0, 7.0, 7.0, 9.0],
            "order_qty": [80.0, 120.0, 60.0, 0.0, 10.0],
            "stockout_risk": [True, True, True, False, True],
            # order by = run date + cover - lead time: late is past, order_now in 3 days,
            # later in 8 days (beyond the 7-day review period)
            "order_by": [RUN - pd.Timedelta(days=7), RUN + pd.Timedelta(days=3),
                         RUN + pd.Timedelta(days=8), pd.NaT, RUN],
        }
    )  # fmt: skip
    items = pd.DataFrame(
        {"sku_id": ["late", "order_now", "later", "fine", "hit1", "tail"],
         "revenue": [600.0, 500.0, 400.0, 300.0, 200.0, 1.0]}
    )  # fmt: skip
    entering = pd.DataFrame(
        {"sku_id": ["hit1", "tail", "fine"], "title": ["戊", "己", "丁"],
         "trend": [-0.1, -0.2, -0.06], "level": [0.4, 0.3, 0.7],
         "tier_before": ["", "", "hit"], "abc_revenue": ["A", "C", "A"]}
    )  # fmt: skip
    return SimpleNamespace(
        run_date=RUN,
        stock=stock,
        items=items,
        entering=entering,
        festival=Festival("双12", RUN, RUN, RUN),
    )


def test_stock_and_decline_alerts():
    a = matrix_alerts(_pm(), lang="en", cfg=SimpleNamespace(
        review_days=7, alert_max_items=10, alert_top_items=5))  # fmt: skip
    stock = a.loc[a["rule"] == "stockout_risk"].set_index("subject")
    # late: 2 days of cover < 9 days lead time -> high; order_now: must be ordered within the
    # review period -> medium; later (order by in 8 days) and the class C item: no alert
    assert stock["severity"].to_dict() == {"late": "high", "order_now": "medium"}
    assert stock.loc["late", "message"] == stock.loc["late", "message_en"]
    assert "will not last to the end of 双12" in stock.loc["late", "message_en"]
    decline = a.loc[a["rule"] == "hit_declining", "subject"].tolist()
    # hit1 ranks 5th by revenue (<= 5); fine was a 爆款 four weeks ago; tail is neither
    assert decline == ["fine", "hit1"]


def test_alert_limit_keeps_the_most_urgent():
    a = matrix_alerts(_pm(), cfg=SimpleNamespace(
        review_days=7, alert_max_items=1, alert_top_items=5))  # fmt: skip
    assert a.loc[a["rule"] == "stockout_risk", "subject"].tolist() == ["late"]
    assert a.loc[a["rule"] == "hit_declining", "subject"].tolist() == ["fine"]
    assert a["message"].equals(a["message_zh"])  # zh by default
