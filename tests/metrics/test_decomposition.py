"""LMDI split of the GMV change, by hand and by property."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import tiny_shop  # the hand-made shop shared by the metric tests
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.facts import build_facts
from helpers.metrics.decomposition import FACTORS_NO_TRAFFIC, gmv_change_split, lmdi_split, log_mean


@pytest.fixture(scope="module")
def facts():
    return build_facts(tiny_shop.canonical_tables(), tiny_shop.RUN)


def test_hand_computed_example():
    before = {"uv": 1000, "cvr": 0.05, "arpu": 100}  # GMV0 = 1000 x 0.05 x 100 = 5000
    after = {"uv": 1200, "cvr": 0.04, "arpu": 110}  # GMV1 = 1200 x 0.04 x 110 = 5280
    out = lmdi_split(before, after).set_index("factor")
    # L(5280, 5000) = 280 / (ln 5280 - ln 5000) = 280 / ln 1.056
    L = 280 / (math.log(5280) - math.log(5000))
    assert 5000 < L < 5280 and round(L) == 5139  # the log mean lies between its arguments
    assert out.loc["uv", "contribution"] == pytest.approx(L * math.log(1.2))  # ~ +937.0
    assert out.loc["cvr", "contribution"] == pytest.approx(L * math.log(0.8))  # ~ -1146.8
    assert out.loc["arpu", "contribution"] == pytest.approx(L * math.log(1.1))  # ~ +489.8
    assert out["contribution"].sum() == pytest.approx(280, abs=1e-9)
    assert out.loc["uv", "share"] == pytest.approx(L * math.log(1.2) / 280)
    assert out["share"].sum() == pytest.approx(1.0)
    assert list(out["before"]) == [1000, 0.05, 100] and list(out["after"]) == [1200, 0.04, 110]
    assert out.attrs["gmv_before"] == pytest.approx(5000)
    assert out.attrs["gmv_after"] == pytest.approx(5280)
    assert out.attrs["method"] == "lmdi"


def test_gmv_uv_buyers_input():
    # gmv 190, uv 2000, buyers 3 -> cvr 3/2000, arpu 190/3
    out = lmdi_split({"gmv": 190, "uv": 2000, "buyers": 3}, {"gmv": 180, "uv": 2100, "buyers": 2})
    out = out.set_index("factor")
    assert out.loc["cvr", "before"] == pytest.approx(3 / 2000)
    assert out.loc["arpu", "after"] == pytest.approx(180 / 2)
    L = (180 - 190) / (math.log(180) - math.log(190))
    assert out.loc["uv", "contribution"] == pytest.approx(L * math.log(2100 / 2000))
    assert out.loc["cvr", "contribution"] == pytest.approx(L * math.log((2 / 2100) / (3 / 2000)))
    assert out.loc["arpu", "contribution"] == pytest.approx(L * math.log(90 / (190 / 3)))
    assert out["contribution"].sum() == pytest.approx(-10, abs=1e-9)


def test_log_mean():
    assert log_mean(5, 5) == 5
    assert log_mean(math.e, 1) == pytest.approx((math.e - 1) / 1)
    assert log_mean(2, 8) == log_mean(8, 2)
    with pytest.raises(ValueError):
        log_mean(0, 1)


def test_zero_or_missing_factor_is_flagged_not_split():
    out = lmdi_split({"gmv": 0, "uv": 500, "buyers": 0}, {"gmv": 100, "uv": 600, "buyers": 2})
    assert out["contribution"].isna().all()
    assert out.attrs["method"] == "undefined"
    assert "cvr" in out.attrs["note"] and "arpu" in out.attrs["note"]
    assert out.attrs["change"] == 100
    no_traffic = lmdi_split(
        {"gmv": 50, "uv": np.nan, "buyers": 1}, {"gmv": 60, "uv": np.nan, "buyers": 1}
    )
    assert no_traffic["contribution"].isna().all() and "uv" in no_traffic.attrs["note"]
    both_zero = lmdi_split({"gmv": 0, "uv": 500, "buyers": 0}, {"gmv": 0, "uv": 600, "buyers": 0})
    assert (both_zero["contribution"] == 0).all() and both_zero.attrs["method"] == "no_change"


def test_no_change_gives_zero_contributions():
    x = {"uv": 1000, "cvr": 0.03, "arpu": 80}
    out = lmdi_split(x, x)
    assert (out["contribution"] == 0).all() and out["share"].isna().all()


positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
factor_sets = st.fixed_dictionaries({"uv": positive, "cvr": st.floats(1e-4, 1.0), "arpu": positive})


@given(factor_sets, factor_sets)
@settings(max_examples=200, deadline=None)
def test_contributions_sum_to_the_change(before, after):
    out = lmdi_split(before, after)
    g0 = before["uv"] * before["cvr"] * before["arpu"]
    g1 = after["uv"] * after["cvr"] * after["arpu"]
    total = out["contribution"].sum()
    assert total == pytest.approx(g1 - g0, rel=1e-9, abs=1e-9 * max(g0, g1))


@given(factor_sets, factor_sets)
@settings(max_examples=100, deadline=None)
def test_swapping_periods_flips_signs(before, after):
    fwd = lmdi_split(before, after)["contribution"].to_numpy()
    back = lmdi_split(after, before)["contribution"].to_numpy()
    g = max(np.prod(list(before.values())), np.prod(list(after.values())))
    np.testing.assert_allclose(fwd, -back, rtol=1e-9, atol=1e-12 * g)
    # each contribution has the sign of its own factor's change
    for k, c in zip(("uv", "cvr", "arpu"), fwd, strict=True):
        if after[k] > before[k] * (1 + 1e-12):
            assert c > 0
        elif after[k] < before[k] * (1 - 1e-12):
            assert c < 0
        elif after[k] == before[k]:
            assert c == 0


@given(factor_sets, positive)
@settings(max_examples=50, deadline=None)
def test_one_factor_moving_takes_the_whole_change(before, new_uv):
    after = dict(before, uv=new_uv)
    out = lmdi_split(before, after).set_index("factor")
    change = (new_uv - before["uv"]) * before["cvr"] * before["arpu"]
    # float precision is relative to the GMV level: a tiny change of a large GMV is a
    # difference of two large products and carries their rounding
    level = max(before["uv"], new_uv) * before["cvr"] * before["arpu"]
    assert out.loc["uv", "contribution"] == pytest.approx(change, rel=1e-9, abs=1e-12 * level)
    assert out.loc["cvr", "contribution"] == 0 and out.loc["arpu", "contribution"] == 0


def test_gmv_change_split_baselines(facts):
    prev = gmv_change_split(facts, baseline="prev_day").set_index("factor")
    # 03-02: gmv 190, uv 2000, buyers 3 -> 03-03: gmv 180, uv 2100, buyers 2
    L = (180 - 190) / (math.log(180) - math.log(190))
    assert prev.loc["uv", "contribution"] == pytest.approx(L * math.log(2100 / 2000))
    assert prev["contribution"].sum() == pytest.approx(180 - 190)
    assert prev.attrs["baseline"] == "prev_day"
    avg = gmv_change_split(facts, baseline="avg_7d").set_index("factor")
    # per-day average of 03-01, 03-02: gmv 170, uv 1750, buyers 2.5
    assert avg.loc["uv", "before"] == pytest.approx(1750)
    assert avg.loc["cvr", "before"] == pytest.approx(2.5 / 1750)
    assert avg.loc["arpu", "before"] == pytest.approx(170 / 2.5)
    L = (180 - 170) / (math.log(180) - math.log(170))
    assert avg.loc["arpu", "contribution"] == pytest.approx(L * math.log(90 / 68))
    assert avg["contribution"].sum() == pytest.approx(10)
    week = gmv_change_split(facts, baseline="last_week")  # D-7 not in the data
    assert week.attrs["method"] == "undefined"
    with pytest.raises(ValueError):
        gmv_change_split(facts, baseline="yesterday")


def test_gmv_change_split_without_traffic():
    t = tiny_shop.canonical_tables()
    f = build_facts({"orders": t["orders"], "order_items": t["order_items"]}, tiny_shop.RUN)
    out = gmv_change_split(f)
    assert out["contribution"].isna().all()
    assert out.attrs["change"] == pytest.approx(-10)
    assert isinstance(out, pd.DataFrame)


def test_two_factor_split_without_traffic_by_hand():
    # buyers 100 -> 120, 客单价 50 -> 45: GMV 5000 -> 5400, change +400
    # L = (5400 - 5000) / ln(5400 / 5000) = 400 / ln(1.08)
    # buyers: L x ln(1.2), 客单价: L x ln(0.9); ln 1.2 + ln 0.9 = ln 1.08 -> sum 400 exactly
    big_l = 400 / math.log(1.08)
    out = lmdi_split(
        {"gmv": 5000.0, "buyers": 100.0},
        {"gmv": 5400.0, "buyers": 120.0},
        factor_names=FACTORS_NO_TRAFFIC,
    ).set_index("factor")
    assert list(out.index) == ["buyers", "arpu"]
    assert out.loc["buyers", "contribution"] == pytest.approx(big_l * math.log(1.2))
    assert out.loc["arpu", "contribution"] == pytest.approx(big_l * math.log(0.9))
    assert out["contribution"].sum() == pytest.approx(400.0, abs=1e-9)
    assert (out.loc["arpu", "before"], out.loc["arpu", "after"]) == (50.0, 45.0)


def test_two_factor_split_on_facts_without_traffic():
    t = tiny_shop.canonical_tables()
    f = build_facts({"orders": t["orders"], "order_items": t["order_items"]}, tiny_shop.RUN)
    out = gmv_change_split(f, factor_names=FACTORS_NO_TRAFFIC).set_index("factor")
    # 03-02: 190 from 3 buyers (c1, c4, c2); 03-03: 180 from 2 buyers (c5, c3)
    assert (out.loc["buyers", "before"], out.loc["buyers", "after"]) == (3.0, 2.0)
    assert out["contribution"].sum() == pytest.approx(180.0 - 190.0)
