"""Life-cycle stages on planted weekly series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.product_matrix.lifecycle import entering_decline, life_cycle, theil_sen_slope


def test_theil_sen_ignores_one_spike():
    y = np.array([[0, 1, 2, 3, 40, 5, 6.0]])  # slope 1 with one festival spike
    assert theil_sen_slope(y)[0] == pytest.approx(1.0)


def test_stages():
    weeks = 20
    idx = pd.date_range("2026-01-04", periods=weeks, freq="7D")
    rate = pd.DataFrame(
        {
            "up": 100 * np.exp(0.10 * np.arange(weeks)),  # +10.5 % a week
            "down": 10 * np.exp(-0.10 * np.arange(weeks)),  # -9.5 % a week, far below peak
            "flat": np.full(weeks, 5.0),
            "young": 100 * np.exp(0.10 * np.arange(weeks)),
            "faded": np.r_[np.full(10, 10.0), np.full(10, 4.0)],  # fell a step, now flat
        },
        index=idx,
    )
    age = pd.Series({"up": 50, "down": 50, "flat": 50, "young": 3, "faded": 50})
    s = life_cycle(rate, age_weeks=age, trend_weeks=12, launch_weeks=8).set_index("sku_id")
    assert s["stage"].to_dict() == {
        "up": "growth",
        "down": "decline",
        "flat": "mature",
        "young": "launch",
        "faded": "mature",  # level 40 % of peak but no falling trend any more
    }
    # log(1 + 100 e^(0.1 t)) rises by almost exactly 0.1 a week: trend = e^0.1 - 1 = 10.5 %
    assert s.loc["up", "trend"] == pytest.approx(np.expm1(0.10), rel=0.01)
    assert s.loc["flat", "level"] == pytest.approx(1.0)
    assert s.loc["faded", "level"] == pytest.approx(0.4)


def test_entering_decline():
    now = pd.DataFrame({"sku_id": ["a", "b", "c"], "stage": ["decline", "decline", "mature"]})
    before = pd.DataFrame({"sku_id": ["a", "b", "c"], "stage": ["mature", "decline", "decline"]})
    assert entering_decline(now, before)["sku_id"].tolist() == ["a"]
