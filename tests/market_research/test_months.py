import numpy as np
import pandas as pd
from market_research.conftest import END, months

from helpers.market_research.months import (
    complete_months,
    convert_index,
    last_complete_month,
    window_sums,
)


def test_last_complete_month_needs_the_month_to_have_ended():
    assert last_complete_month("2026-11-15") == pd.Timestamp("2026-10-01")
    assert last_complete_month("2026-11-30") == pd.Timestamp("2026-11-01")  # its last day
    assert last_complete_month("2026-12-01") == pd.Timestamp("2026-11-01")


def test_complete_months_drops_the_running_month_and_normalises_dates():
    frame = pd.DataFrame({"month": ["2026-09-15", "2026-10-01", "2026-11-01"], "v": [1, 2, 3]})
    out = complete_months(frame, "2026-11-15")
    assert list(out["month"]) == [pd.Timestamp("2026-09-01"), pd.Timestamp("2026-10-01")]
    assert complete_months(None, "2026-11-15") is None


def test_window_sums_by_hand(tiny_market):
    out = window_sums(tiny_market, "market_gmv", ["category"], END, 3).set_index("category")
    # A: 3 x 130 = 390 now, 3 x 100 = 300 a year ago -> +30 %
    assert out.loc["A", "now"] == 390 and out.loc["A", "year_ago"] == 300
    assert out.loc["A", "growth"] == 0.30
    # B: 2850 / 3000 - 1 = -0.05
    assert out.loc["B", "growth"] == -0.05


def test_a_gap_in_a_window_gives_no_growth(tiny_market):
    gap = tiny_market.drop(index=[1])  # A loses 2025-01, a month of the year-ago window
    out = window_sums(gap, "market_gmv", ["category"], END, 3).set_index("category")
    assert np.isnan(out.loc["A", "growth"]) and out.loc["B", "growth"] == -0.05


def test_short_history_gives_no_growth():
    frame = pd.DataFrame({"month": months(12), "category": "A", "v": 1.0})
    assert window_sums(frame, "v", ["category"], END, 3)["growth"].isna().all()


def test_convert_index_is_the_configured_power_law():
    # 2 x 100 ^ 0.5 = 20; 2 x 400 ^ 0.5 = 40
    out = convert_index(pd.Series([100.0, 400.0]), scale=2.0, exponent=0.5)
    assert list(out) == [20.0, 40.0]
