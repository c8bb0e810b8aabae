"""Drill-down trend -> channel -> item, by hand on the canonical shop."""

from __future__ import annotations

import math

import numpy as np
import pytest
import tiny_shop  # the hand-made shop shared by the metric tests

from helpers.facts import build_facts
from helpers.metrics.drilldown import CHANNEL_COLUMNS, ITEM_COLUMNS, drill_down


@pytest.fixture(scope="module")
def facts():
    return build_facts(tiny_shop.canonical_tables(), tiny_shop.RUN)


def test_prev_day_drill_down(facts):
    d = drill_down(facts)
    assert (d.gmv_before, d.gmv_after, d.gmv_change) == (190, 180, -10)
    assert d.trend["contribution"].sum() == pytest.approx(-10)
    ch = d.channels
    assert list(ch.columns) == CHANNEL_COLUMNS
    # 03-02 -> 03-03: 未知 70 -> 0, 直播 80 -> 60, 搜索 40 -> 120; 付费推广 had no sales/uv
    assert list(ch["channel"]) == ["未知", "直播", "搜索"]
    assert list(ch["gmv_change"]) == [-70, -20, 80]
    assert ch["gmv_change"].sum() == d.gmv_change
    assert list(ch["share_of_change"]) == pytest.approx([-70 / -10, -20 / -10, 80 / -10])
    assert (d.worst_channel, d.best_channel) == ("未知", "搜索")
    z = ch.set_index("channel").loc["直播"]
    # uv 800 -> 600 and cvr 1/800 -> 1/600 cancel out: the whole -20 is 客单价 (80 -> 60)
    L = (60 - 80) / (math.log(60) - math.log(80))
    assert z["uv_contribution"] == pytest.approx(L * math.log(600 / 800))
    assert z["cvr_contribution"] == pytest.approx(L * math.log(800 / 600))
    assert z["arpu_contribution"] == pytest.approx(-20)
    u = ch.set_index("channel").loc["未知"]
    assert np.isnan(u["uv_contribution"])  # no traffic rows for 未知
    # items inside 未知: A 70 -> 0
    assert list(d.items.columns) == ITEM_COLUMNS
    assert d.items_channel == "未知"
    assert list(d.items["sku_id"]) == ["A"] and d.items["gmv_change"].iloc[0] == -70
    assert "worst_channel=未知" in d.summary and "gmv 190.00 -> 180.00" in d.summary
    assert "top_item=A" in d.summary


def test_items_of_the_worst_channel():
    t = tiny_shop.canonical_tables()
    t["orders"].loc[t["orders"]["order_id"] == "o5", "channel"] = "直播"
    d = drill_down(build_facts(t, tiny_shop.RUN), top=2)
    # 直播 03-02: o4 (B 24, C 56) + o5 (A 70) = 150 -> 03-03: o8 (B 60) = 60
    assert d.worst_channel == "直播"
    assert d.channels.set_index("channel").loc["直播", "gmv_change"] == 60 - 150
    # A 70 -> 0 (-70), C 56 -> 0 (-56), B 24 -> 60 (+36); top 2 fallers
    assert list(d.items["sku_id"]) == ["A", "C"]
    assert list(d.items["gmv_change"]) == pytest.approx([-70, -56])
    assert list(d.items["units_before"]) == [1, 1]
    assert d.items["share_of_change"].iloc[0] == pytest.approx(-70 / (60 - 150))


def test_avg_7d_baseline(facts):
    d = drill_down(facts, baseline="avg_7d")
    # per-day average of 03-01, 03-02 (the days with data in D-7..D-1)
    assert d.gmv_before == pytest.approx((150 + 190) / 2)
    ch = d.channels.set_index("channel")
    assert ch.loc["搜索", "gmv_before"] == pytest.approx((100 + 40) / 2)
    assert ch.loc["直播", "gmv_change"] == pytest.approx(60 - (50 + 80) / 2)
    assert ch.loc["未知", "gmv_change"] == pytest.approx(0 - (0 + 70) / 2)
    assert ch.loc["搜索", "uv_before"] == pytest.approx((1000 + 1200) / 2)
    assert ch.loc["搜索", "cvr_before"] == pytest.approx((1 + 1) / (1000 + 1200))
    assert d.worst_channel == "未知" and d.best_channel == "搜索"
    assert d.items["gmv_before"].iloc[0] == pytest.approx(70 / 2)


def test_no_fall_means_no_worst_channel(facts):
    d = drill_down(facts, run_date="2026-03-02")
    # 03-01 -> 03-02: 搜索 100 -> 40, 直播 50 -> 80, 未知 0 -> 70
    assert d.worst_channel == "搜索" and d.best_channel == "未知"
    flat = drill_down(facts, run_date="2026-03-01")  # no day before: everything rises
    assert flat.worst_channel is None and flat.items_channel is None
    assert flat.best_channel == "搜索"
    with pytest.raises(ValueError):
        drill_down(facts, run_date="2026-03-05")


def test_the_materiality_floor_leaves_out_single_order_moves(facts):
    # 未知 03-02 -> 03-03: A 70 -> 0 rests on one order (o5) in D-1 plus none on D: 1 order
    assert list(drill_down(facts, min_orders=1).items["sku_id"]) == ["A"]
    assert drill_down(facts, min_orders=2).items.empty
    assert "top_item" not in drill_down(facts, min_orders=2).summary


def test_a_window_baseline_is_a_per_day_average(facts):
    d = drill_down(facts, baseline=("2026-03-01", "2026-03-02"))
    # shop GMV 03-01 150 + 03-02 190 = 340 over 2 days = 170 a day; 03-03 180
    assert (d.gmv_before, d.gmv_after) == (170, 180)
    assert d.baseline == "2026-03-01..2026-03-02"
