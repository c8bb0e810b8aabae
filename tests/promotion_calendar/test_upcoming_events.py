"""Upcoming events, expected demand, readiness and the prep checklist, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from promotion_calendar.promo_shop import events_frame, make_event

from helpers.promotion_calendar.evaluation import PHASE_COLUMNS, Evaluation
from helpers.promotion_calendar.theme import PromotionCalendarSettings
from helpers.promotion_calendar.upcoming import (
    checklist,
    event_day_factor,
    event_phases,
    forecast_demand,
    next_promotion,
    phase_multipliers,
    readiness,
    upcoming_events,
)

D = pd.Timestamp
RUN = D("2025-12-01")
EVENT = pd.Series(
    make_event("1212-2025", "双12", "2025-12-08", "2025-12-12", None, "2025-12-13", kind="platform")
)


def _units() -> Evaluation:
    rows = []
    for pid, name, kind, up in (
        ("1212-2024", "双12", "platform", {"warmup": -0.1, "burst": 2.0, "afterglow": 0.3}),
        ("x", "店庆", "shop", {"burst": 9.0}),
    ):
        for phase, u in up.items():
            r = dict.fromkeys(PHASE_COLUMNS, np.nan)
            rows.append(
                r | {"promo_id": pid, "name": name, "kind": kind, "phase": phase, "uplift": u}
            )
    return Evaluation(pd.DataFrame(rows, columns=PHASE_COLUMNS), pd.DataFrame(), "units")


def test_phase_multipliers_from_the_same_festival():
    assert phase_multipliers(_units(), EVENT) == pytest.approx(
        {"warmup": 0.9, "burst": 3.0, "afterglow": 1.3}
    )
    other = pd.Series(make_event("y", "新活动", kind="shop"))
    assert phase_multipliers(_units(), other) == pytest.approx({"burst": 10.0})  # same kind


def test_event_day_factor_by_hand():
    # ordinary 12-02..12-07: 6 x 1; warm-up 12-08..12-11: 4 x 0.9 = 3.6; burst 12-12: 1 x 3;
    # after-glow 12-13: 1 x 1.3 -> 6 + 3.6 + 3 + 1.3 = 13.9 ordinary-day equivalents
    mult = {"warmup": 0.9, "burst": 3.0, "afterglow": 1.3}
    assert event_day_factor(EVENT, RUN, mult) == pytest.approx(13.9)
    # already in the warm-up on 12-10: 12-11 (0.9) + 3 + 1.3
    assert event_day_factor(EVENT, D("2025-12-10"), mult) == pytest.approx(5.2)


def test_readiness_by_hand():
    rates = pd.DataFrame({"sku_id": ["A", "B", "C"], "daily_units": [10.0, 2.0, 1.0]})
    inv = pd.DataFrame(
        {
            "date": pd.to_datetime(
                ["2025-11-30", "2025-12-01", "2025-12-01", "2025-12-01", "2025-12-02"]
            ),
            "sku_id": ["A", "A", "B", "C", "C"],
            "on_hand": [999, 100, 30, 50, 0],  # C's 12-02 row is after the run date
            "lead_time_days": [14.0, 14.0, np.nan, 3.0, 3.0],
        }
    )
    r = readiness(EVENT, rates, inv, _units(), RUN, PromotionCalendarSettings()).set_index("sku_id")
    # demand = daily x 13.9: A 139 > 100 on hand -> short
    assert r.loc["A", "expected_units"] == pytest.approx(139.0)
    assert r.loc["A", "readiness"] == "short"
    # B: 27.8 <= 30 < 27.8 x 1.2 = 33.36 -> at risk; C: 13.9 x 1.2 < 50 -> enough
    assert r.loc["B", "readiness"] == "at_risk"
    assert r.loc["C", "readiness"] == "enough"
    # A: 12-08 - 14 days = 11-24, 7 days ago; B: default lead time 14
    assert r.loc["A", "last_reorder_day"] == D("2025-11-24")
    assert r.loc["A", "days_to_reorder"] == -7
    assert r.loc["B", "lead_time_days"] == 14
    assert r.loc["C", "last_reorder_day"] == D("2025-12-05")
    no_inv = readiness(EVENT, rates, None, _units(), RUN, PromotionCalendarSettings())
    assert set(no_inv["readiness"]) == {"unknown"}


def test_checklist_due_dates():
    c = checklist(EVENT, RUN, lang="en").set_index("key")
    assert c.loc["page", "due"] == D("2025-12-01")  # warm-up 12-08 - 7
    assert c.loc["page", "state"] == "this_week" and c.loc["page", "days_left"] == 0
    assert c.loc["service", "due"] == D("2025-12-09")  # burst 12-12 - 3
    assert c.loc["service", "state"] == "later"
    assert checklist(EVENT, D("2025-12-06"), lang="zh").set_index("key").loc["page", "state"] == (
        "overdue"
    )


def test_upcoming_events_and_status():
    ev = events_frame(
        dict(EVENT),
        make_event("past", "店庆", "2025-11-01", "2025-11-05", None, "2025-11-06"),
        make_event("now", "会员日", "2025-11-28", "2025-12-03", None, "2025-12-04"),
        make_event("far", "618", "2026-05-25", "2026-06-18", None, "2026-06-20"),
    )
    up = upcoming_events(ev, RUN, 90)
    assert up["promo_id"].tolist() == ["now", "1212-2025"]
    assert up.set_index("promo_id").loc["now", "status"] == "warmup"
    assert up.set_index("promo_id").loc["1212-2025", "days_to_go"] == 11
    assert next_promotion(up)["promo_id"] == "now"
    assert next_promotion(up.iloc[0:0]) is None


def test_event_phases_by_hand():
    ph = event_phases(EVENT, RUN)
    # 12-02..12-07 ordinary, 12-08..12-11 warm-up, 12-12 burst, 12-13 after-glow
    assert ph.index[0] == D("2025-12-02") and ph.index[-1] == D("2025-12-13")
    assert ph.isna().sum() == 6
    assert (ph == "warmup").sum() == 4 and ph[D("2025-12-12")] == "burst"
    assert ph[D("2025-12-13")] == "afterglow"


def test_forecast_demand_and_readiness_with_a_forecaster():
    calls = []

    def flat_forecaster(y, *, horizon, promo_phase, uplift):
        # 2 units a day on ordinary days, x uplift on the days the phase marks
        calls.append((len(y), horizon))
        base = pd.Series(2.0, index=promo_phase.index)
        return base * promo_phase.map(uplift).fillna(1.0)

    history = pd.DataFrame({"A": [1.0] * 30}, index=pd.date_range(end=RUN, periods=30))
    mult = {"warmup": 0.9, "burst": 3.0, "afterglow": 1.3}
    fc = forecast_demand(history, EVENT, RUN, mult, flat_forecaster)
    # 2 x (6 + 4 x 0.9 + 3 + 1.3) = 27.8
    assert fc["A"] == pytest.approx(27.8)
    assert calls == [(30, 12)]
    rates = pd.DataFrame({"sku_id": ["A", "B"], "daily_units": [10.0, 2.0]})
    r = readiness(EVENT, rates, None, _units(), RUN, PromotionCalendarSettings(), fc)
    r = r.set_index("sku_id")
    assert r.loc["A", "method"] == "forecast" and r.loc["A", "expected_units"] == pytest.approx(
        27.8
    )
    # B has no forecast: baseline 2 x 13.9
    assert r.loc["B", "method"] == "baseline" and r.loc["B", "expected_units"] == pytest.approx(
        27.8
    )
