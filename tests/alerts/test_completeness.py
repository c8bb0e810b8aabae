"""Data-completeness check (issue 9, point 4): a day far below its usual level on every
channel at once is flagged as possibly incomplete, checked by hand on a tiny shop."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from alerts.alert_facts import RD, mk_channel, mk_daily, mk_facts
from locations import SAMPLE

from helpers.alerts import collect_alerts, rule_context
from helpers.alerts.completeness import judged_levels, looks_incomplete, usual_levels
from helpers.settings import Settings, Thresholds


def tiny_channels(search_today: float, live_today: float) -> pd.DataFrame:
    """Two channels over 14 days ending on RD (2026-03-31, a Tuesday): 搜索 10 orders and
    ¥1000 a day, 直播 4 orders and ¥600 a day; the run date's orders set by hand (GMV
    moves with them: ¥100 and ¥150 an order)."""
    rows = []
    for ch, orders, aov, today in (
        ("搜索", 10, 100.0, search_today),
        ("直播", 4, 150.0, live_today),
    ):
        f = mk_channel(ch, 14, orders=[today], gmv=[today * aov])
        f.loc[f.index[:-1], ["orders", "gmv"]] = [orders, orders * aov]
        rows.append(f)
    return pd.concat(rows, ignore_index=True)


def test_usual_levels_by_hand():
    levels = usual_levels(tiny_channels(3, 1), RD).set_index("channel")
    # 搜索: same-weekday median of 03-03/10/17/24 = 10, recent median (03-24..30) = 10 -> 10
    # share = 3 / 10 = 0.30; GMV 300 / 1000 = 0.30
    assert levels.loc["搜索", "usual_orders"] == 10.0
    assert levels.loc["搜索", "orders_share"] == pytest.approx(0.30)
    assert levels.loc["搜索", "gmv_share"] == pytest.approx(0.30)
    # 直播: usual 4 orders, ¥600; share = 1 / 4 = 0.25, GMV 150 / 600 = 0.25
    assert levels.loc["直播", "usual_gmv"] == 600.0
    assert levels.loc["直播", "orders_share"] == pytest.approx(0.25)
    assert looks_incomplete(usual_levels(tiny_channels(3, 1), RD), 0.35)  # 0.30, 0.25 < 0.35
    # one channel normal (搜索 at 4/10 = 0.40 >= 0.35): a channel broke, not the data
    assert not looks_incomplete(usual_levels(tiny_channels(4, 1), RD), 0.35)
    assert not looks_incomplete(usual_levels(tiny_channels(10, 0), RD), 0.35)


def test_channels_with_too_few_orders_are_not_judged():
    # 直播 usually 2 orders a day (< 3): only 搜索 left, so the shop total is judged instead
    chan = tiny_channels(3, 1)
    chan.loc[chan["channel"] == "直播", "orders"] = 2.0
    facts = mk_facts(mk_daily(14, orders=[3], gmv=[300]), daily_channel=chan)
    levels = judged_levels(rule_context(facts, Settings()))
    # shop: usual 40 orders (mk_daily), 3 today -> 3 / 40 = 0.075
    assert list(levels["channel"]) == [""]
    assert levels["orders_share"].iloc[0] == pytest.approx(3 / 40)


def test_rule_flags_the_day_and_names_it():
    facts = mk_facts(mk_daily(14, orders=[4], gmv=[450]), daily_channel=tiny_channels(3, 1))
    alerts = collect_alerts(facts, Settings()).alerts
    row = alerts.loc[alerts["rule"] == "data_incomplete"].iloc[0]
    # 3 + 1 = 4 orders against 10 + 4 = 14 usually
    assert (row["value"], row["reference"], row["severity"]) == (4.0, 14.0, "high")
    assert row["message_zh"].startswith("数据可能不完整")
    assert row["message_en"].startswith("Data possibly incomplete")
    assert alerts["rule"].iloc[0] == "data_incomplete"  # first of the high alerts
    # the setting moves the line: at 0.2 neither channel (0.30, 0.25) is below it
    low = Settings(thresholds=replace(Thresholds(), incomplete_share=0.2))
    assert "data_incomplete" not in set(collect_alerts(facts, low).alerts["rule"])


@pytest.fixture(scope="module")
def sample_alerts(tmp_path_factory):
    from helpers.context import load_context

    ctx = load_context(SAMPLE, cache_dir=str(tmp_path_factory.mktemp("complete-cache")))
    return ctx, collect_alerts(ctx.facts, ctx.settings).alerts


def test_the_sample_day_is_not_flagged(sample_alerts):
    ctx, alerts = sample_alerts
    assert ctx.facts.run_date == pd.Timestamp("2026-11-15")
    assert "data_incomplete" not in set(alerts["rule"])
    # 直播 broke on its own; the other channels stay near their usual level
    levels = judged_levels(rule_context(ctx.facts, ctx.settings))
    assert len(levels) >= 2 and (levels["orders_share"] >= 0.35).any()
