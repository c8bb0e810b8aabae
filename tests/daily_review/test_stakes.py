"""Next actions ranked by money at stake and specific from the data (issue 9, point 5)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from locations import SAMPLE

from helpers.alerts.actions import next_actions
from helpers.context import load_context
from helpers.daily_review import review_for
from helpers.daily_review.evidence import cart_hint, competitor_price, price_change
from helpers.daily_review.stakes import gmv_equivalent

ROW = pd.Series({"gmv": 1000.0, "uv": 500.0, "buyers": 20.0, "orders": 25.0, "ad_spend": 300.0})


def test_gaps_are_priced_in_gmv_by_hand():
    # GMV 1,000 expected 1,400: 400 a day lost
    assert gmv_equivalent("gmv", 1000.0, 1400.0, ROW) == 400.0
    # CVR 4 % vs 5 %: 0.01 x 500 UV x (1,000 / 20 = 50 per buyer) = 250
    assert gmv_equivalent("cvr", 0.04, 0.05, ROW) == pytest.approx(250.0)
    # UV 500 vs 600: 100 x (1,000 / 500 = 2 per visitor) = 200
    assert gmv_equivalent("uv", 500.0, 600.0, ROW) == pytest.approx(200.0)
    # ad spend 300 vs usual 120: 180 spent above the usual level
    assert gmv_equivalent("ad_spend", 300.0, 120.0, ROW) == pytest.approx(180.0)
    # a rise is no loss; an unknown metric has no estimate
    assert gmv_equivalent("gmv", 1500.0, 1400.0, ROW) == 0.0
    assert math.isnan(gmv_equivalent("item_cvr", 0.1, 0.2, ROW))


def _alert(rule, subject, money, severity="medium", scope="item", kind="per_day"):
    return {
        "stake_kind": kind,
        "rule": rule,
        "severity": severity,
        "metric": "m",
        "scope": scope,
        "subject": subject,
        "date": "2026-03-31",
        "value": 1.0,
        "reference": 2.0,
        "message_zh": "x",
        "message_en": "x",
        "hint_zh": "",
        "hint_en": "",
        "money_at_stake": money,
    }


def test_steps_rank_by_money_then_severity():
    alerts = pd.DataFrame(
        [
            _alert("item_return_rate", "A", 100.0, "high"),
            _alert("cart_high_pay_low", "B", 900.0),
            _alert("channel_cvr_drop", "直播", None, "high", "channel"),
        ]
    )
    out = next_actions(alerts, lang="zh")
    assert list(out["subject"]) == ["B", "A", "直播"]  # 900, 100, then no estimate
    assert out["money_at_stake"].iloc[0] == 900.0


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    ctx = load_context(SAMPLE, cache_dir=str(tmp_path_factory.mktemp("stakes-cache")))
    return ctx, review_for(ctx)


def test_the_bt0005_step_cites_the_price_rise_and_the_competitor(sample):
    ctx, review = sample
    t = ctx.dataset.tables
    change = price_change("BT0005", t["order_items"], t["orders"], ctx.facts.run_date)
    assert (change.old, change.new) == (129.0, 159.0)
    assert competitor_price("BT0005", t["competitors"], ctx.facts.run_date) == (
        "拾光美妆专营店",
        139.0,
    )
    (step,) = [a for a in review.actions["action"] if "BT0005" in a]
    assert "¥129 调到 ¥159" in step and "竞品「拾光美妆专营店」同款售 ¥139" in step
    assert cart_hint(None, None, "CNY") == ("", "")


def test_sample_actions_are_ranked_by_money_one_per_cause(sample):
    _, review = sample
    money = review.actions["money_at_stake"].tolist()
    # a per-day stake weighs a week (x7) against a one-time stake
    kinds = review.actions["stake_kind"]
    week = [m * (1 if k == "once" else 7) for m, k in zip(money, kinds, strict=True)]
    known = [m for m in week if not math.isnan(m)]
    assert known == sorted(known, reverse=True) and len(known) == len(money)
    # the 尺码不符 concentration is AP0001's return step, not a step of its own
    assert not (review.actions["rule"] == "return_concentration").any()
    (ap,) = [a for a in review.actions["action"] if "AP0001" in a]
    assert "尺码不符" in ap
    # the overdue orders' list is exported by paid date and item, ids only
    late = review.overdue_orders
    assert list(late.columns) == [
        "order_id",
        "paid_date",
        "channel",
        "sku_id",
        "quantity",
        "days_waiting",
        "stale",
    ]
    assert late["order_id"].nunique() == 40


def test_one_time_and_per_day_stakes_are_ranked_on_a_week_never_added():
    alerts = pd.DataFrame(
        [
            _alert("unshipped_sla", "", 2000.0, "high", "shop", kind="once"),
            _alert("cart_high_pay_low", "B", 400.0),
            _alert("item_return_rate", "A", 200.0, "high"),
        ]
    )
    out = next_actions(alerts, lang="zh")
    # per week: B 400 x 7 = 2,800 > overdue 2,000 once > A 200 x 7 = 1,400
    assert list(out["subject"]) == ["B", "", "A"]
    assert list(out["stake_kind"]) == ["per_day", "once", "per_day"]
    # the money shown is the estimate itself, not the weekly ranking key
    assert list(out["money_at_stake"]) == [400.0, 2000.0, 200.0]


def test_overdue_orders_are_labelled_as_a_one_time_stake(sample):
    from helpers.daily_review.page import Page
    from helpers.daily_review.stakes import stake_kinds

    _, review = sample
    staked = review.action_alerts
    assert set(staked.loc[staked["rule"] == "unshipped_sla", "stake_kind"]) == {"once"}
    assert set(staked.loc[staked["rule"] != "unshipped_sla", "stake_kind"]) <= {"per_day"}
    assert list(stake_kinds(pd.DataFrame({"rule": ["anomaly"]}))) == ["per_day"]
    steps = review.actions
    (i,) = [k for k, rule in enumerate(steps["rule"]) if rule == "unshipped_sla"]
    zh = Page(review=review, lang="zh").action_lines()
    en = Page(review=review, lang="en").action_lines()
    assert zh[i].startswith("**一次性涉及约 ¥") and "/天" not in zh[i]
    assert en[i].startswith("**about ¥") and "at risk once" in en[i]
    assert all("/天" in line for k, line in enumerate(zh) if k != i and "涉及" not in line)
