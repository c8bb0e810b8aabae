"""Next actions generated from hand-made alerts."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import i18n
from helpers.alerts import REGISTRY, Alert, AlertReport, alerts_frame
from helpers.alerts.actions import ACTION_COLUMNS, next_actions

RULES = [r.id for r in REGISTRY.in_report_order()]


def alert(rule, metric, scope, subject, value, reference, severity="medium") -> Alert:
    return Alert(
        rule=rule,
        severity=severity,
        metric=metric,
        scope=scope,
        subject=subject,
        date="2026-03-31",
        value=value,
        reference=reference,
        message_zh=f"{rule} zh",
        message_en=f"{rule} en",
    )


ONE_PER_RULE = [
    alert("cvr_below_industry", "cvr", "shop", "", 0.03, 0.05, "high"),
    alert("refund_rate", "refund_rate", "shop", "", 0.2, 0.15),
    alert("unshipped_sla", "unshipped_orders", "order", "", 12.0, 24.0, "high"),
    alert("ad_swing", "ad_spend", "channel", "付费推广", 200.0, 105.0),
    alert("consecutive_decline", "cvr", "channel", "搜索", 0.034, 0.04),
    alert("return_concentration", "return_share", "reason", "尺码不符", 0.58, 0.5),
    alert("item_return_rate", "item_return_rate", "item", "SKU-A", 0.175, 0.15),
    alert("cart_high_pay_low", "item_cvr", "item", "SKU-X", 0.0167, 0.02),
    alert("channel_cvr_drop", "cvr", "channel", "直播", 0.01, 0.04, "high"),
    alert("anomaly", "gmv", "shop", "", 8000.0, 4400.0),
    alert("data_incomplete", "orders", "shop", "", 4.0, 14.0, "high"),
]
SHOP_WORD = {"zh": "店铺", "en": "Shop"}


def test_fixture_covers_every_rule():
    assert {a.rule for a in ONE_PER_RULE} == set(RULES)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_rule_yields_an_action_naming_its_subject(lang):
    out = next_actions(alerts_frame(ONE_PER_RULE), lang=lang, limit=20)
    assert tuple(out.columns) == ACTION_COLUMNS
    assert list(out["priority"]) == list(range(1, len(ONE_PER_RULE) + 1))
    assert set(out["rule"]) == set(RULES)
    for row in out.itertuples():
        assert row.action and row.action != f"{row.rule} {lang}"
        if row.subject:
            # English actions name a known channel by its English label (直播 -> Live stream)
            name = i18n.channel_label(row.subject, lang)
            assert name in row.action, (row.rule, row.action)
    by = out.set_index("rule")["action"]
    # shop-level rules name the shop or the counted orders
    assert SHOP_WORD[lang] in by["cvr_below_industry"]
    assert "12" in by["unshipped_sla"] and "24" in by["unshipped_sla"]
    assert "GMV" in by["anomaly"]
    # high severity first
    high = {"unshipped_sla", "channel_cvr_drop", "cvr_below_industry", "data_incomplete"}
    assert set(out["rule"].head(4)) == high
    assert "14" in by["data_incomplete"]  # the usual level it is measured against


def test_zh_texts_follow_the_methodology():
    by = next_actions(ONE_PER_RULE, lang="zh", limit=20).set_index("rule")["action"]
    assert by["channel_cvr_drop"].startswith("直播 渠道转化率骤降")
    assert "回滚最近一次改动" in by["channel_cvr_drop"]
    assert by["unshipped_sla"].startswith("12 单付款超24小时未发货")
    assert "仓库" in by["unshipped_sla"] and "最早" in by["unshipped_sla"]
    for word in ("价格", "竞品", "信任"):
        assert word in by["cart_high_pay_low"]
    assert "一项" in by["cart_high_pay_low"]  # one variable at a time
    en = next_actions(ONE_PER_RULE, lang="en", limit=20).set_index("rule")["action"]
    for words in ("price sensitivity", "competitor diversion", "trust signals"):
        assert words in en["cart_high_pay_low"]


def test_duplicates_grouped_and_limit():
    alerts = [
        alert("consecutive_decline", "cvr", "shop", "", 0.034, 0.04),
        alert("consecutive_decline", "gmv", "shop", "", 3800.0, 4000.0),
        alert("refund_rate", "refund_rate", "shop", "", 0.2, 0.15),
        alert("refund_rate", "refund_rate_7d", "shop", "", 0.17, 0.15),
        alert("anomaly", "gmv", "shop", "", 8000.0, 4400.0),
        alert("anomaly", "uv", "shop", "", 500.0, 1000.0, "high"),
    ]
    out = next_actions(AlertReport(alerts_frame(alerts), pd.DataFrame()), lang="zh")
    # 2 decline metrics -> 1 step, 2 refund windows -> 1 step, anomalies one per metric
    assert len(out) == 4
    assert out.iloc[0]["rule"] == "anomaly" and out.iloc[0]["metric"] == "uv"  # the high one
    decline = out.loc[out["rule"] == "consecutive_decline"].iloc[0]
    assert decline["metric"] == "cvr, gmv"
    assert "转化率" in decline["action"] and "GMV" in decline["action"]
    assert len(next_actions(alerts, limit=2)) == 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_alerts_keeps_routine_checks(lang):
    out = next_actions(alerts_frame([]), lang=lang)
    assert len(out) == 1 and out.iloc[0]["priority"] == 1 and out.iloc[0]["rule"] == "none"
    assert ("发货" if lang == "zh" else "shipping") in out.iloc[0]["action"]


def test_bad_lang():
    with pytest.raises(ValueError):
        next_actions([], lang="fr")


def test_one_cause_gives_one_step():
    # the 付费推广 spend jump raises ad_swing (a rule, on the channel) and the shop-level
    # statistical flag on ad_spend: one step, the rule's, which names the channel
    out = next_actions(
        [
            alert("ad_swing", "ad_spend", "channel", "付费推广", 4496.0, 2059.0),
            alert("anomaly", "ad_spend", "shop", "", 5186.0, 2510.0),
            alert("anomaly", "gmv", "shop", "", 8000.0, 4400.0),
        ],
        lang="zh",
    )
    assert list(zip(out["rule"], out["metric"], strict=True)) == [
        ("ad_swing", "ad_spend"),
        ("anomaly", "gmv"),
    ]
    assert "付费推广" in out.iloc[0]["action"]
