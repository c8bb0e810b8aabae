"""The demand forecast and its rolling backtest on series with known weekly seasonality."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.product_matrix.forecast import (
    backtest,
    clean_promo,
    ets_forecast,
    phase_uplift,
    with_promos,
)

PATTERN = np.array([10, 10, 10, 10, 12, 20, 18.0])  # weekdays flat, weekend high


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    """16 weeks of two items with a known weekly pattern (one noisy)."""
    idx = pd.date_range("2026-01-05", periods=16 * 7, freq="D")  # a Monday
    rng = np.random.default_rng(1)
    clean = np.tile(PATTERN, 16)
    return pd.DataFrame({"exact": clean, "noisy": clean + rng.normal(0, 1.0, len(idx))}, index=idx)


@pytest.fixture(scope="module")
def bt(series):
    return backtest(series, folds=3, promo_phase=pd.Series(dtype="object"), uplift={})


def test_forecast_repeats_the_weekly_pattern(series):
    f = ets_forecast(series["exact"], 14)
    assert f.index[0] == series.index[-1] + pd.Timedelta(days=1)
    np.testing.assert_allclose(f.to_numpy(), np.tile(PATTERN, 2), atol=0.5)


def test_backtest_error_is_small_on_a_known_season(bt):
    # 3 weekly origins x 2 items, each forecasting the next 7 days
    assert len(bt.folds) == 6
    assert bt.folds["actual"].iloc[0] == pytest.approx(PATTERN.sum())
    # noise sd 1 on a mean of 12.9 units a day: the forecast misses by well under 10 %
    assert bt.wape < 0.1
    # the exact series is forecast almost perfectly
    exact = bt.folds.loc[bt.folds["sku_id"] == "exact"]
    assert exact["abs_error"].sum() / exact["actual"].sum() < 0.02


def test_promo_days_are_cleaned_then_lifted():
    idx = pd.date_range("2026-01-05", periods=35, freq="D")
    y = pd.Series(np.tile(PATTERN, 5), index=idx)
    spike = idx[-3]
    y[spike] = 100.0
    clean = clean_promo(y, pd.DatetimeIndex([spike]))
    # the spike day takes the median of the same weekday in the four weeks before
    assert clean[spike] == pytest.approx(PATTERN[(len(idx) - 3) % 7])
    base = pd.Series([10.0, 10.0], index=pd.date_range("2026-02-10", periods=2))
    phase = pd.Series({pd.Timestamp("2026-02-11"): "burst"})
    assert with_promos(base, phase, {"burst": 3.0}).tolist() == [10.0, 30.0]


def test_phase_uplift_by_hand():
    daily = pd.DataFrame(
        {
            "date": pd.date_range("2026-03-01", periods=5),
            "units": [10.0, 10.0, 40.0, 5.0, 10.0],
            "phase": [None, None, "burst", "warmup", None],
        }
    )
    up = phase_uplift(daily, end=pd.Timestamp("2026-03-05"))
    # ordinary mean 10; burst 40 / 10 = 4; warm-up 5 / 10 = 0.5
    assert up == {"burst": 4.0, "warmup": 0.5}


def test_backtest_of_no_history_is_empty_not_an_error():
    # an export of a few days has no weekly history: nothing to test, WAPE unknown
    empty = pd.DataFrame(index=pd.DatetimeIndex([], name="date"))
    bt = backtest(empty, folds=3, promo_phase=pd.Series(dtype=object), uplift={})
    assert bt.folds.empty
    assert math.isnan(bt.wape) and math.isnan(bt.naive_wape)
