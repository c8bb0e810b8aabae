"""Headline KPIs, ratio formulas and trends, checked by hand arithmetic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiny_shop import RUN, canonical_tables

from helpers.facts import DAILY_COLUMNS, Facts, build_facts
from helpers.metrics.kpis import (
    HEADLINE,
    add_ratios,
    daily_trend,
    headline_kpis,
    safe_ratio,
    window_sums,
)


@pytest.fixture(scope="module")
def facts() -> Facts:
    return build_facts(canonical_tables(), RUN)


def synthetic_facts(values: dict[str, dict[str, float]], days: int = 400) -> Facts:
    """Facts whose ``daily`` is 100 gmv / 4 orders / 2 buyers / 1000 uv every day up to
    2026-03-03, with ``values[date][column]`` overriding single cells."""
    run = pd.Timestamp("2026-03-03")
    dates = pd.date_range(end=run, periods=days)
    daily = pd.DataFrame({c: 0.0 for c in DAILY_COLUMNS[1:]}, index=range(days))
    daily.insert(0, "date", dates.astype("datetime64[ns]"))
    daily[["gmv", "orders", "buyers", "uv"]] = [100.0, 4.0, 2.0, 1000.0]
    daily[["phase", "promo"]] = np.nan
    for day, cols in values.items():
        for col, v in cols.items():
            daily.loc[daily["date"] == pd.Timestamp(day), col] = v
    empty = pd.DataFrame()
    return Facts(
        run_date=run,
        daily=daily,
        daily_channel=empty,
        daily_item=empty,
        item_traffic=empty,
        customers=empty,
        open_orders=empty,
        refunds=empty,
        promo_days=empty,
        buyer_categories=empty,
        shipping_fees=empty,
        available=frozenset({"orders", "order_items", "traffic"}),
    )


# --------------------------------------------------------------------------- add_ratios


def test_add_ratios_formulas_and_nan_safety():
    df = pd.DataFrame(
        {
            "gmv": [300.0, 0.0],
            "orders": [4, 0],
            "buyers": [3, 0],
            "uv": [100.0, 0.0],
            "impressions": [400.0, np.nan],
            "cart_users": [10.0, 0.0],
            "fav_users": [5.0, 0.0],
            "refund_cases": [1, 0],
            "ad_spend": [50.0, 0.0],
            "ad_gmv": [150.0, 0.0],
            "ship_due": [4, 0],
            "ship_on_time": [3, 0],
        }
    )
    r = add_ratios(df).iloc[0]
    assert r["cvr"] == 3 / 100
    assert r["arpu"] == 300 / 3
    assert r["aov"] == 300 / 4
    assert r["uv_value"] == 300 / 100
    assert r["cart_rate"] == 10 / 100
    assert r["fav_rate"] == 5 / 100
    assert r["refund_rate"] == 1 / 4
    assert r["roas"] == 150 / 50
    assert r["ship_24h_rate"] == 3 / 4
    assert r["ctr"] == 100 / 400
    zero = add_ratios(df).iloc[1]
    for name in ("cvr", "arpu", "aov", "uv_value", "refund_rate", "roas", "ship_24h_rate", "ctr"):
        assert np.isnan(zero[name]), name
    missing = add_ratios(df.drop(columns=["uv"]))
    assert missing["cvr"].isna().all() and missing["ctr"].isna().all()
    assert "cvr" not in df.columns  # input untouched


@given(
    st.floats(0, 1e9, allow_nan=False),
    st.one_of(st.just(0.0), st.just(np.nan), st.floats(1e-6, 1e9)),
)
@settings(max_examples=50)
def test_safe_ratio_never_inf(num, den):
    r = safe_ratio(num, den)
    assert not np.isinf(r)
    if den == 0 or np.isnan(den):
        assert np.isnan(r)
    else:
        assert r == pytest.approx(num / den)


# --------------------------------------------------------------------------- headline


def test_headline_on_the_canonical_shop(facts):
    k = headline_kpis(facts).set_index("metric")
    assert list(k.index) == [m for m, _, _ in HEADLINE]
    assert list(k.columns) == [
        "value",
        "prev_day",
        "same_weekday_last_week",
        "avg_7d",
        "last_year",
        "vs_prev_day",
        "vs_last_week",
        "vs_avg_7d",
        "vs_last_year",
        "unit",
        "available",
    ]
    # run 03-03, prev 03-02, avg_7d window 02-24..03-02 has data on 03-01 and 03-02 only
    expect = {
        #                 value          prev_day        avg_7d
        "gmv": (180, 190, (150 + 190) / 2),
        "orders": (2, 3, (2 + 3) / 2),
        "buyers": (2, 3, (2 + 3) / 2),
        "uv": (2100, 2000, (1500 + 2000) / 2),
        "cvr": (2 / 2100, 3 / 2000, (2 + 3) / (1500 + 2000)),
        "arpu": (180 / 2, 190 / 3, (150 + 190) / (2 + 3)),
        "aov": (180 / 2, 190 / 3, (150 + 190) / (2 + 3)),
        "uv_value": (180 / 2100, 190 / 2000, (150 + 190) / (1500 + 2000)),
        "cart_rate": (180 / 2100, 160 / 2000, (140 + 160) / (1500 + 2000)),
        "refund_rate": (1 / 2, 1 / 3, (0 + 1) / (2 + 3)),
        "new_buyers": (2, 1, (2 + 1) / 2),
        "returning_buyers": (0, 2, (0 + 2) / 2),
        "ad_spend": (30 + 10, 25, (20 + 25) / 2),
        "roas": (90 / 40, 50 / 25, (60 + 50) / (20 + 25)),
        "ship_24h_rate": (2 / 2, 1 / 2, (0 + 1) / (0 + 2)),
    }
    for metric, (value, prev, avg) in expect.items():
        row = k.loc[metric]
        assert row["value"] == pytest.approx(value), metric
        assert row["prev_day"] == pytest.approx(prev), metric
        assert row["avg_7d"] == pytest.approx(avg), metric
        assert row["vs_prev_day"] == pytest.approx(value / prev - 1), metric
        assert np.isnan(row["same_weekday_last_week"]) and np.isnan(row["last_year"])
        assert np.isnan(row["vs_last_week"]) and np.isnan(row["vs_last_year"])
        assert row["available"]
    assert k.loc["gmv", "unit"] == "currency" and k.loc["cvr", "unit"] == "ratio"
    assert k.loc["orders", "unit"] == "count" and k.loc["arpu", "unit"] == "currency"
    assert k.loc["returning_buyers", "vs_prev_day"] == -1.0  # 0 / 2 - 1


def test_headline_bases_on_a_long_history():
    run = pd.Timestamp("2026-03-03")
    d = lambda n: run - pd.Timedelta(days=n)  # noqa: E731
    f = synthetic_facts(
        {
            d(0): {"gmv": 200.0, "buyers": 4.0, "uv": 1600.0},
            d(1): {"gmv": 150.0},
            d(2): {"gmv": 170.0, "uv": 2000.0},
            d(7): {"gmv": 50.0, "buyers": 1.0},
            d(364): {"gmv": 80.0},
        }
    )
    assert d(364).day_name() == run.day_name()  # same weekday a year earlier
    k = headline_kpis(f).set_index("metric")
    g = k.loc["gmv"]
    assert (g["value"], g["prev_day"], g["same_weekday_last_week"], g["last_year"]) == (
        200,
        150,
        50,
        80,
    )
    # D-7..D-1: 50 + 100 + 100 + 100 + 100 + 170 + 150 = 770 over 7 days
    assert g["avg_7d"] == pytest.approx(770 / 7)
    assert g["vs_last_week"] == pytest.approx(200 / 50 - 1)
    assert g["vs_avg_7d"] == pytest.approx(200 / 110 - 1)
    assert g["vs_last_year"] == pytest.approx(200 / 80 - 1)
    c = k.loc["cvr"]
    assert c["value"] == pytest.approx(4 / 1600)
    # ratio of 7-day sums: buyers 1 + 6 x 2 = 13, uv 6 x 1000 + 2000 = 8000
    assert c["avg_7d"] == pytest.approx(13 / 8000)
    assert c["last_year"] == pytest.approx(2 / 1000)
    # ad_spend table absent -> not available, NaN
    a = k.loc["roas"]
    assert not a["available"] and np.isnan(a["value"]) and np.isnan(a["avg_7d"])


def test_headline_without_traffic_marks_unavailable():
    t = canonical_tables()
    f = build_facts({"orders": t["orders"], "order_items": t["order_items"]}, RUN)
    k = headline_kpis(f).set_index("metric")
    for metric in ("uv", "cvr", "uv_value", "cart_rate", "ad_spend", "roas", "refund_rate"):
        assert not k.loc[metric, "available"], metric
        assert np.isnan(k.loc[metric, "value"]), metric
    assert k.loc["gmv", "available"] and k.loc["gmv", "value"] == 180


def test_headline_earlier_run_date(facts):
    k = headline_kpis(facts, run_date="2026-03-02").set_index("metric")
    assert k.loc["gmv", "value"] == 190 and k.loc["gmv", "prev_day"] == 150
    with pytest.raises(ValueError):
        headline_kpis(facts, run_date="2026-03-04")


def test_window_sums(facts):
    w = window_sums(facts, "2026-03-01", "2026-03-03").iloc[0]
    assert w["days"] == 3
    assert w["gmv"] == 150 + 190 + 180
    assert w["cvr"] == pytest.approx((2 + 3 + 2) / (1500 + 2000 + 2100))
    by = window_sums(facts, "2026-03-02", "2026-03-03", by="channel").set_index("channel")
    assert by.loc["搜索", "gmv"] == 40 + 120
    assert by.loc["搜索", "cvr"] == pytest.approx((1 + 1) / (1200 + 1500))
    assert np.isnan(by.loc["未知", "cvr"])  # uv 0
    empty = window_sums(facts, "2025-01-01", "2025-01-07").iloc[0]
    assert empty["days"] == 0 and np.isnan(empty["gmv"])


# --------------------------------------------------------------------------- trend


def test_trend_additive_and_ratio():
    run = pd.Timestamp("2026-03-03")
    f = synthetic_facts({run: {"gmv": 800.0, "buyers": 9.0}}, days=40)
    t = daily_trend(f, metric="gmv", days=10)
    assert list(t.columns) == ["date", "value", "avg_7d", "phase"]
    assert len(t) == 10 and t["date"].iloc[-1] == run
    assert t["value"].iloc[-1] == 800
    assert t["avg_7d"].iloc[-1] == pytest.approx((6 * 100 + 800) / 7)
    assert t["avg_7d"].iloc[-2] == pytest.approx(100)
    c = daily_trend(f, metric="cvr", days=5)
    assert c["value"].iloc[-1] == pytest.approx(9 / 1000)
    # ratio of 7-day sums: (6 x 2 + 9) / (7 x 1000)
    assert c["avg_7d"].iloc[-1] == pytest.approx((6 * 2 + 9) / 7000)
    short = daily_trend(f, metric="gmv", days=100)
    assert len(short) == 40 and short["avg_7d"].iloc[:6].isna().all()
    with pytest.raises(KeyError):
        daily_trend(f, metric="nonsense")


def test_trend_phase(facts):
    t = daily_trend(facts, metric="cart_rate")
    assert list(t["phase"]) == ["warmup"] * 3
    assert t["value"].iloc[0] == pytest.approx(140 / 1500)
