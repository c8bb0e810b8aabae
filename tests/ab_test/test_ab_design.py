"""Sample size and duration of a planned test, checked against the closed-form formula."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.ab_test.design import sample_size, traffic_baseline


def test_sample_size_matches_the_normal_formula():
    # baseline 0.10, lift +20 % -> target 0.12.
    # h = 2·asin(√0.12) − 2·asin(√0.10) = 2·(0.353742 − 0.321751) = 0.063982
    # var(2·asin√p̂) = 1/n, so the difference of two has variance 1/n + 1/n = 2/n and
    # n per variant = 2·((z_0.975 + z_0.8) / h)² = 2·((1.959964 + 0.841621) / 0.063982)²
    #               = 2·43.787² = 2·1917.30 = 3834.6 -> 3835 (rounded up)
    d = sample_size(0.10, 0.20, alpha=0.05, power=0.8, daily_visitors=500)
    assert d.target_cvr == pytest.approx(0.12)
    assert d.n_control == d.n_treatment == 3835
    # days = ceil(2 · 3835 / 500) = ceil(15.34) = 16
    assert d.days == 16
    assert d.n_total == 7670


def test_unequal_split_needs_more_in_all():
    # ratio = 0.2 / 0.8 = 0.25: variance 1/n_c + 1/(0.25·n_c) = 5/n_c in place of 2/n, so
    # n_control = 5 · 1917.30 = 9586.5 -> 9587; n_treatment = 9586.5 · 0.25 = 2396.6 -> 2397
    d = sample_size(0.10, 0.20, treatment_share=0.2)
    assert d.n_control == 9587
    assert d.n_treatment == math.ceil(9586.51 * 0.25)
    assert d.days is None
    assert d.n_total > 2 * 3835


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        sample_size(0.0, 0.1)
    with pytest.raises(ValueError):
        sample_size(0.9, 0.2)  # target 1.08 is not a rate
    with pytest.raises(ValueError):
        sample_size(0.1, 0.1, treatment_share=1.0)


@settings(max_examples=40, deadline=None)
@given(
    base=st.floats(0.01, 0.5),
    lift=st.floats(0.05, 0.5),
    more=st.floats(1.1, 3.0),
)
def test_smaller_lifts_need_more_visitors(base, lift, more):
    small = sample_size(base, lift)
    big = sample_size(base, min(lift * more, 0.99 / base - 1))
    assert small.n_control >= big.n_control


def test_traffic_baseline_uses_the_last_days():
    daily = pd.DataFrame(
        {
            "date": pd.date_range("2026-01-01", periods=5),
            "uv": [100, 200, 300, 400, 500],
            "buyers": [1, 2, 3, 4, 5],
        }
    )
    # last 2 days: buyers 4 + 5 = 9, uv 400 + 500 = 900 -> CVR 0.01; visitors 900 / 2 = 450
    assert traffic_baseline(daily, days=2) == pytest.approx((0.01, 450.0))
    assert traffic_baseline(daily.assign(uv=0)) is None
    assert traffic_baseline(daily.drop(columns="uv")) is None
