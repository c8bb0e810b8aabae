"""The statistical tests of an A/B reading, on hand-computed cases."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.ab_test.analysis import (
    conversion_test,
    dedupe_users,
    ratio_check,
    revenue_test,
    totals,
)


def test_conversion_test_by_hand():
    # control 100 / 1,000 = 0.10; treatment 150 / 1,000 = 0.15; diff = 0.05
    # pooled p = 250 / 2,000 = 0.125; se0 = √(0.125·0.875·(1/1000 + 1/1000)) = 0.0147902
    # z = 0.05 / 0.0147902 = 3.38062; two-sided p = 2·(1 − Φ(3.38062)) = 0.000723
    # Wald se = √(0.1·0.9/1000 + 0.15·0.85/1000) = √0.0002175 = 0.0147479
    # CI = 0.05 ± 1.959964·0.0147479 = 0.05 ± 0.028905 = (0.021095, 0.078905)
    c = conversion_test(100, 1000, 150, 1000)
    assert c.diff == pytest.approx(0.05)
    assert c.z == pytest.approx(3.38062, abs=1e-5)
    assert c.p_value == pytest.approx(0.000723, abs=1e-6)
    assert (c.ci_low, c.ci_high) == pytest.approx((0.021095, 0.078905), abs=1e-6)
    assert c.lift == pytest.approx(0.5)  # 0.05 / 0.10


def test_ratio_check_by_hand():
    # 5,200 vs 4,800 planned 50/50: expected 5,000 each;
    # chi2 = 200²/5000 + 200²/5000 = 8 + 8 = 16; p = P(χ²₁ > 16) = 6.334e-5 < 0.001
    r = ratio_check(5200, 4800)
    assert r.chi2 == pytest.approx(16.0)
    assert r.p_value == pytest.approx(6.334e-5, rel=1e-3)
    assert r.mismatch
    assert r.observed_share == pytest.approx(0.48)
    # the same counts planned 52/48 (an unequal split on purpose): expected = observed, chi2 0
    ok = ratio_check(5200, 4800, planned_share=0.48)
    assert ok.chi2 == pytest.approx(0.0)
    assert not ok.mismatch


def test_totals_of_user_rows_and_day_rows():
    users = pd.DataFrame(
        {
            "experiment": ["e"] * 5,
            "variant": ["control", "control", "treatment", "treatment", "treatment"],
            "user_id": [1, 2, 3, 4, 4],
            "date": pd.to_datetime(
                ["2026-01-01", "2026-01-01", "2026-01-01", "2026-01-01", "2026-01-02"]
            ),
            "converted": [1, 0, 0, 1, 0],
        }
    )
    t = totals(users).set_index("variant")
    # user 4 twice: the earlier row (converted 1) kept -> treatment 2 visitors, 1 conversion
    assert t.loc["treatment", ["visitors", "conversions"]].tolist() == [2, 1]
    assert t.loc["control", "cvr"] == pytest.approx(0.5)
    assert len(dedupe_users(users)) == 4


def test_revenue_of_user_rows_uses_a_rank_test():
    control = pd.DataFrame(
        {"variant": "control", "converted": [0] * 8 + [1, 1], "revenue": [0.0] * 8 + [50.0, 5000.0]}
    )
    treatment = pd.DataFrame(
        {"variant": "treatment", "converted": [0] * 5 + [1] * 5, "revenue": [0.0] * 5 + [60.0] * 5}
    )
    r = revenue_test(control, treatment)
    # rpv control = 5050 / 10 = 505; treatment = 300 / 10 = 30: the mean is led by one spender
    assert (r.rpv_control, r.rpv_treatment) == pytest.approx((505.0, 30.0))
    assert r.method == "mann_whitney"
    assert 0 < r.p_value < 1


def test_revenue_of_day_rows_is_welch_on_daily_rpv():
    rows = pd.DataFrame(
        {
            "variant": ["control"] * 3 + ["treatment"] * 3,
            "date": list(pd.date_range("2026-01-01", periods=3)) * 2,
            "visitors": [100] * 6,
            "revenue": [100.0, 200.0, 300.0, 400.0, 500.0, 600.0],
        }
    )
    r = revenue_test(rows.iloc[:3], rows.iloc[3:])
    # daily rpv control 1, 2, 3 (mean 2, var 1); treatment 4, 5, 6 (mean 5, var 1)
    # t = 3 / √(1/3 + 1/3) = 3.6742, df = 4 -> p = 0.02131
    assert r.method == "welch_daily"
    assert (r.rpv_control, r.rpv_treatment) == pytest.approx((2.0, 5.0))
    assert r.p_value == pytest.approx(0.02131, abs=1e-4)
    assert revenue_test(rows.iloc[:3].drop(columns="revenue"), rows.iloc[3:]) is None


@settings(max_examples=50, deadline=None)
@given(
    n1=st.integers(50, 5000),
    n2=st.integers(50, 5000),
    f1=st.floats(0.01, 0.99),
    f2=st.floats(0.01, 0.99),
)
def test_swapping_the_variants_mirrors_the_test(n1, n2, f1, f2):
    x1, x2 = int(n1 * f1), int(n2 * f2)
    a, b = conversion_test(x1, n1, x2, n2), conversion_test(x2, n2, x1, n1)
    assert a.diff == pytest.approx(-b.diff)
    assert a.p_value == pytest.approx(b.p_value)
    assert a.ci_low <= a.diff <= a.ci_high
    assert 0 <= a.p_value <= 1 and not math.isnan(a.z)
