"""The retention alert rules: declared in the registry, evaluated by hand, listed by the check
and in the not-checked list when a year-earlier figure is missing."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pandas as pd
import pytest

from helpers import check
from helpers.alerts import REGISTRY
from helpers.retention.payload import alerts, not_checked, rule_results
from helpers.retention.theme import RetentionSettings
from helpers.settings import Settings

RUN = pd.Timestamp("2026-03-31")


def snapshot(dormant, dormant_ly, repeat, repeat_ly, **settings) -> SimpleNamespace:
    """The fields of a Retention the rules read."""
    return SimpleNamespace(
        run_date=RUN,
        settings=RetentionSettings(**settings),
        dormant_share=dormant,
        dormant_share_last_year=dormant_ly,
        repeat=SimpleNamespace(rate=repeat),
        repeat_last_year=SimpleNamespace(rate=repeat_ly),
    )


def test_rules_fire_by_hand():
    # dormant 0.30 - 0.22 = 0.08 points >= 0.05 (< 0.10: medium);
    # repeat 0.12 / 0.20 - 1 = -0.40 <= -0.2 and <= -0.4 (twice the fall): high
    r = snapshot(0.30, 0.22, 0.12, 0.20)
    found, skipped = rule_results(r)
    assert skipped == []
    by_rule = {a.rule: a for a in found}
    assert by_rule["dormant_share_up"].severity == "medium"
    assert by_rule["dormant_share_up"].reference == pytest.approx(0.22)
    assert by_rule["repeat_rate_down"].severity == "high"
    frame = alerts(r, lang="en")
    assert list(frame["rule"]) == ["dormant_share_up", "repeat_rate_down"]
    assert "8.0 points above a year ago (22.0%)" in frame["message"].iloc[0]


def test_rules_stay_quiet_under_their_thresholds():
    # 0.26 - 0.22 = 0.04 < 0.05; 0.18 / 0.20 - 1 = -0.10 > -0.2
    assert alerts(snapshot(0.26, 0.22, 0.18, 0.20)).empty
    # a configured threshold is read: -0.10 <= -0.05
    assert list(alerts(snapshot(0.26, 0.22, 0.18, 0.20, repeat_rate_fall=0.05))["rule"]) == [
        "repeat_rate_down"
    ]


def test_without_a_year_earlier_the_rules_are_not_checked_and_say_why():
    r = snapshot(0.30, float("nan"), 0.12, float("nan"))
    assert alerts(r).empty
    assert not_checked(r, lang="zh") == [
        "沉睡客户占比上升：复盘日一年前还没有客户",
        "复购率下降：去年同期没有复购可比",
    ]
    assert (
        not_checked(r, lang="en")[0] == "Dormant share up: no customers a year before the run date"
    )


def test_the_check_lists_the_rules_under_the_retention_notebook():
    shape = check.DataShape(
        have=frozenset({"orders", "order_items"}),
        usable=True,
        history_days=200,
        has_shipping_times=False,
        industry_cvr=False,
        item_cart_traffic=False,
        after_sales_sku=False,
        settings=Settings(),
    )
    rows = check.sections_frame(shape, ["retention", "daily_review"])
    rules = rows.loc[rows["kind"] == "alert"]
    retention = rules.loc[rules["notebook"] == "retention"]
    assert list(retention["item"]) == ["dormant_share_up", "repeat_rate_down"]
    # 200 days of orders < the 366 the year-earlier comparison needs
    assert set(retention["status"]) == {check.SKIPPED}
    assert retention["why"].iloc[0] == (("history", 366, 200),)
    assert "dormant_share_up" not in set(rules.loc[rules["notebook"] == "daily_review", "item"])
    longer = check.sections_frame(replace(shape, history_days=400), ["retention"])
    assert set(longer.loc[longer["kind"] == "alert", "status"]) == {check.RUNS}
    assert REGISTRY["dormant_share_up"].label("zh") == "沉睡客户占比上升"
