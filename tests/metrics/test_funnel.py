"""Channel funnel 曝光 -> 访客 -> 加购 -> 支付, by hand on the canonical shop."""

from __future__ import annotations

import numpy as np
import pytest
import tiny_shop  # the hand-made shop shared by the metric tests

from helpers.facts import build_facts
from helpers.metrics.funnel import FUNNEL_COLUMNS, TOTAL, channel_funnel


@pytest.fixture(scope="module")
def facts():
    return build_facts(tiny_shop.canonical_tables(), tiny_shop.RUN)


def test_one_day_funnel(facts):
    f = channel_funnel(facts)
    assert list(f.columns) == FUNNEL_COLUMNS
    # gmv order; 付费推广 (ads only) and 未知 (sold on 03-02) tie at 0, by name
    assert list(f["channel"]) == ["搜索", "直播", "付费推广", "未知", TOTAL]
    assert list(f["is_total"]) == [False] * 4 + [True]
    s = f.set_index("channel").loc["搜索"]
    assert (s["impressions"], s["uv"], s["cart_users"], s["buyers"], s["orders"], s["gmv"]) == (
        2500,
        1500,
        150,
        1,
        1,
        120,
    )
    assert s["ctr"] == pytest.approx(1500 / 2500)
    assert s["cart_rate"] == pytest.approx(150 / 1500)
    assert s["cvr"] == pytest.approx(1 / 1500)
    assert s["prev_cvr"] == pytest.approx(1 / 1200)  # 03-02: o6 only, uv 1200
    assert s["cvr_change"] == pytest.approx((1 / 1500) / (1 / 1200) - 1)  # -20 %
    assert s["cvr_diff"] == pytest.approx(1 / 1500 - 1 / 1200)
    z = f.set_index("channel").loc["直播"]
    assert z["cvr"] == pytest.approx(1 / 600) and z["prev_cvr"] == pytest.approx(1 / 800)
    u = f.set_index("channel").loc["未知"]
    assert np.isnan(u["cvr"]) and np.isnan(u["prev_cvr"])  # uv 0 both days
    t = f.iloc[-1]
    assert (t["impressions"], t["uv"], t["cart_users"], t["buyers"], t["gmv"]) == (
        2500 + 1000,
        1500 + 600,
        150 + 30,
        2,
        120 + 60,
    )
    assert t["ctr"] == pytest.approx(2100 / 3500)
    assert t["cvr"] == pytest.approx(2 / 2100)
    assert t["prev_cvr"] == pytest.approx(3 / 2000)


def test_two_day_window(facts):
    f = channel_funnel(facts, days=2).set_index("channel")
    # window 03-02..03-03, previous window 02-28..03-01 (data on 03-01 only)
    s = f.loc["搜索"]
    assert s["gmv"] == 40 + 120 and s["uv"] == 1200 + 1500
    assert s["cvr"] == pytest.approx((1 + 1) / (1200 + 1500))
    assert s["prev_cvr"] == pytest.approx(1 / 1000)
    assert f.loc[TOTAL, "gmv"] == 190 + 180


def test_funnel_without_traffic():
    t = tiny_shop.canonical_tables()
    fa = build_facts({"orders": t["orders"], "order_items": t["order_items"]}, tiny_shop.RUN)
    f = channel_funnel(fa).set_index("channel")
    assert f["uv"].isna().all() and f["cvr"].isna().all() and f["ctr"].isna().all()
    assert f.loc["搜索", "gmv"] == 120 and f.loc[TOTAL, "buyers"] == 2
    with pytest.raises(ValueError):
        channel_funnel(fa, days=0)
