"""Calendar day grid, the shop's own season, alerts, and the charts drawing without error."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from promotion_calendar.promo_shop import events_frame, make_event, synthetic_daily  # noqa: E402

from helpers.promotion_calendar import charts  # noqa: E402
from helpers.promotion_calendar.alerts import promotion_alerts  # noqa: E402
from helpers.promotion_calendar.evaluation import evaluate_events  # noqa: E402
from helpers.promotion_calendar.mechanics import Elasticity, what_if  # noqa: E402
from helpers.promotion_calendar.overview import calendar_days, seasonality  # noqa: E402
from helpers.promotion_calendar.theme import PromotionCalendarSettings  # noqa: E402

D = pd.Timestamp


def _events() -> pd.DataFrame:
    hol = make_event("h", "Labor Day", None, "2025-05-01", "2025-05-05", None, kind="holiday")
    work = make_event("w", "Make-up workday", None, "2025-04-27", None, None, kind="workday")
    return events_frame(
        make_event(),  # warm-up 05-20..05-26, burst 05-27, after-glow 05-28..05-29
        hol | {"source": "holiday"},
        work | {"source": "workday"},
    )


def test_calendar_days_by_hand():
    days = calendar_days(_events(), D("2025-04-26"), D("2025-05-31")).set_index("date")
    assert days.loc[D("2025-04-27"), "category"] == "workday"
    assert days.loc[D("2025-05-03"), "category"] == "holiday"
    assert days.loc[D("2025-05-01"), "label"] == "Labor Day"
    assert days.loc[D("2025-05-02"), "label"] == ""
    assert days.loc[D("2025-05-20"), "category"] == "warmup"
    assert days.loc[D("2025-05-27"), "category"] == "burst"
    assert days.loc[D("2025-05-29"), "category"] == "afterglow"
    assert days.loc[D("2025-05-30"), "category"] == "ordinary"
    assert len(days) == 36


def test_seasonality_by_hand():
    dates = pd.date_range("2025-01-01", "2025-04-30")
    gmv = np.where(dates.month == 3, 300.0, 100.0)
    gmv[(dates >= D("2025-02-10")) & (dates <= D("2025-02-14"))] = 0.0
    past = pd.DataFrame({"date": dates, "gmv": gmv})
    ev = events_frame(
        make_event("h", "Spring", None, "2025-02-12", None, None) | {"source": "holiday"}
    )
    s = seasonality(past, ev)
    # months: Jan 3,100; Feb 2,300 (5 closed days); Mar 9,300; Apr 3,000 -> mean 4,425
    assert s["peak_month"] == "2025-03"
    assert s["peak_index"] == pytest.approx(9300 / ((3100 + 2300 + 9300 + 3000) / 4))
    assert (s["gap_start"], s["gap_end"], s["gap_days"]) == ("2025-02-10", "2025-02-14", 5)
    assert s["gap_holiday"] == "Spring"


def test_alerts():
    ready = pd.DataFrame(
        {
            "sku_id": ["A", "B"],
            "expected_units": [10.4, 5.0],
            "on_hand": [3, 9],
            "readiness": ["short", "enough"],
        }
    )
    nxt = pd.Series({"name": "双12", "promo_id": "1212-2025"})
    last = pd.Series({"promo_id": "1111-2025", "name": "双11", "incremental_gross_profit": -50.0})
    out = promotion_alerts(ready, nxt, last, lang="en")
    assert [a["rule"] for a in out] == ["stock_short_for_event", "event_lost_margin"]
    assert out[0]["subject"] == "A" and "Double 12" in out[0]["message"]
    assert "10" in out[0]["message_zh"] and out[0]["severity"] == "high"
    assert out[1]["value"] == -50.0 and out[1]["message"] == out[1]["message_en"]
    fine = last.copy()
    fine["incremental_gross_profit"] = 10.0
    assert promotion_alerts(None, None, fine) == []


def test_charts_draw():
    ev = events_frame(make_event())
    daily = synthetic_daily({"burst": 3.0}, event=make_event())
    e = evaluate_events(daily, ev, D("2025-08-31"), PromotionCalendarSettings())
    grid = calendar_days(ev, D("2025-05-01"), D("2025-07-31")).assign(gmv=1.0)
    for lang in ("zh", "en"):
        assert charts.calendar_heatmap(grid, lang=lang) is not None
        assert charts.year_of_sales(grid, lang=lang) is not None
        assert charts.event_vs_baseline(e.days, lang=lang) is not None
        assert charts.phase_uplift(e.event("e1"), lang=lang) is not None
        el = Elasticity(0.5, 2.0, 5, 100.0, 60.0, 0.2)
        assert charts.what_if_lines(what_if(el), lang=lang) is not None
        plt.close("all")
