"""Ad spend against the plan and the promotion phase, on the tiny shop (run 2026-03-03)."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from helpers.start_here.marketing import ads_item, promo_item, spend_by_channel
from helpers.start_here.theme import StartHereSettings


def test_spend_against_the_7_day_average(tiny_facts):
    # run date spend: 搜索 30 + 付费推广 10 = 40; the 7 days before hold 搜索 20 + 25 = 45
    rows = spend_by_channel(tiny_facts).set_index("channel")
    assert rows.loc["搜索", "spend"] == 30.0
    assert abs(rows.loc["搜索", "plan"] - 45 / 7) < 1e-9
    item = ads_item(tiny_facts, StartHereSettings())
    # ratio 40 / (45 / 7) = 6.2 > 1.5: urgent
    assert item.status == "urgent"
    assert "622%" in item.detail[1]


def test_spend_against_a_budget(tiny_facts):
    def status(budget: float) -> str:
        return ads_item(tiny_facts, StartHereSettings(ad_budget_daily=budget)).status

    assert status(40) == "ok"  # 40 / 40 = 100 %
    assert status(45) == "ok"  # 89 %: within 20 %
    assert status(60) == "attention"  # 67 %: 33 % under plan
    assert status(30) == "attention"  # 133 %: over by 33 %, under 50 %
    assert status(20) == "urgent"  # 200 %


def test_no_ad_table_says_so(tiny_facts):
    facts = SimpleNamespace(available=frozenset({"orders"}))
    item = ads_item(facts, StartHereSettings())
    assert item.status == "unavailable" and item.needs == ("ad_spend",)


def test_promotion_phase(tiny_facts):
    # 2026-03-03 is in the 38节 warm-up (03-01 .. 03-07)
    item = promo_item(tiny_facts, StartHereSettings())
    assert item.status == "attention"
    assert "38节 预热期" in item.detail[0]

    def on(day: str):
        d = pd.Timestamp(day)
        empty = pd.DataFrame(columns=["date", "promo_id", "name", "phase"])
        return promo_item(SimpleNamespace(run_date=d, promo_days=empty), StartHereSettings())

    # 99划算节 warms up 5 days before 09-09: 09-04. From 07-15 that is 51 days: calm
    assert on("2026-07-15").status == "ok"
    # from 08-30 it is 5 days (<= 7): prepare
    late = on("2026-08-30")
    assert late.status == "attention"
    assert late.rows["days_to_start"].iloc[-1] == 5
