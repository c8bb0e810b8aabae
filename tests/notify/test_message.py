"""The message built from summary.json: headline, alerts with day N, actions, link."""

from __future__ import annotations

import json

import pytest
from notify.conftest import sample_summary, write_run

from helpers.notify import history
from helpers.notify.message import build_message, change_text


def test_headline_comes_from_the_review_with_gmv_first():
    m = build_message(sample_summary())
    assert m.baseline == "双11前的平常周（10-06 至 10-19）"
    assert [h.label for h in m.headlines] == ["支付金额 GMV", "支付订单数", "转化率 CVR"]
    gmv, orders, cvr = m.headlines
    assert (gmv.value, gmv.change) == ("¥31,047.80", "-12.0%")
    assert (orders.value, orders.change) == ("138", "-8.0%")
    # a rate's change in percentage points: 3.07% - 3.52% = -0.45 pp
    assert (cvr.value, cvr.change) == ("3.07%", "-0.45pp")
    assert m.what_changed == (
        "GMV 较对比基线 -12.0%。",
        "较对比基线拖累最大的渠道：直播（-¥5,241.74）。",
    )


def test_without_a_review_the_kpi_cards_against_last_week_serve():
    m = build_message(sample_summary(review=False))
    assert m.baseline == "上周同日"
    assert m.headlines[0].label == "支付金额 GMV"
    # golden: gmv 31047.8, vs_last_week -0.243215 -> -24.3%
    assert (m.headlines[0].value, m.headlines[0].change) == ("¥31,047.80", "-24.3%")
    assert m.what_changed == () and m.actions == ()


def test_actions_by_rank_with_money_at_stake():
    m = build_message(sample_summary())
    assert [a.text for a in m.actions] == ["排查直播间转化", "核对 AP0001 尺码表"]
    assert m.actions[0].money == "每天涉及约 ¥5,242.00"


def test_a_one_time_stake_is_not_labelled_per_day():
    s = sample_summary()
    actions = s["extra"]["05_daily_review"]["next_actions"]
    actions[0]["stake_kind"] = "once"  # e.g. overdue orders' paid amount, at risk once
    m = build_message(s)
    by_text = {a.text: a.money for a in m.actions}
    assert by_text["核对 AP0001 尺码表"] == "一次性涉及约 ¥820.50"
    assert by_text["排查直播间转化"] == "每天涉及约 ¥5,242.00"
    en = sample_summary(lang="en")
    en["extra"]["05_daily_review"]["next_actions"][0]["stake_kind"] = "once"
    assert "¥820.50 at stake once" in {a.money for a in build_message(en).actions}


def test_english_message():
    m = build_message(sample_summary(lang="en"))
    assert m.title == "山野生活旗舰店 daily report · 2026-11-15"
    assert m.actions[0].text == "Check the live room"
    assert m.actions[0].money == "¥5,242.00 a day at stake"
    assert m.alerts[0].severity_label == "high"


def test_alerts_most_urgent_first_and_failed_notebooks_and_link():
    s = sample_summary()
    s["notebooks"].append({"name": "04_retention", "title": "客户留存", "status": "failed"})
    m = build_message(s, report_url="https://reports.example.com/shop/")
    ranks = [a.severity for a in m.alerts]
    assert ranks == sorted(ranks, key=["high", "medium", "low"].index)
    assert len(m.alerts) == len(s["alerts"])  # every alert of the golden summary
    assert m.failed == ("客户留存",)
    assert m.link == "https://reports.example.com/shop/2026-11-15/index.html"


@pytest.mark.parametrize(
    ("change", "unit", "text"),
    # the review gives percent (-13.59 = -13.59 %) and percentage points (-0.456 pp)
    [
        (12.34, "pct", "+12.3%"),
        (-13.591283, "pct", "-13.6%"),
        (-1.23, "pp", "-1.2pp"),
        (-0.456375, "pp", "-0.46pp"),
        (None, "pct", "–"),
    ],
)
def test_change_text(change, unit, text):
    assert change_text(change, unit) == text


def test_alert_key_is_the_key_field_or_its_four_parts():
    assert (
        history.alert_key({"key": "refund_rate|shop||refund_rate"})
        == "refund_rate|shop||refund_rate"
    )
    alert = {"rule": "channel_cvr_drop", "scope": "channel", "subject": "直播", "metric": "cvr"}
    assert history.alert_key(alert) == "channel_cvr_drop|channel|直播|cvr"


def test_day_n_counts_consecutive_earlier_runs_holding_the_key(tmp_path):
    out = tmp_path / "reports"
    a = {"rule": "r", "scope": "shop", "subject": "", "metric": "gmv", "severity": "high"}
    b = {**a, "rule": "other"}

    def run(date, alerts):
        write_run(out, {"run_date": date, "alerts": alerts, "notebooks": []})

    run("2026-11-11", [a])  # a on 11-11 but 11-12 breaks the streak
    run("2026-11-12", [b])
    run("2026-11-13", [a, b])
    run("2026-11-14", [a])
    run("2026-11-15", [a, b])
    (out / "notes").mkdir()  # not a run folder
    days = history.streaks(out, "2026-11-15", ["r|shop||gmv", "other|shop||gmv", "new"])
    # a: 11-14 yes, 11-13 yes, 11-12 no -> 1 + 2 = 3; b: 11-14 lacks it -> 1; new -> 1
    assert days == {"r|shop||gmv": 3, "other|shop||gmv": 1, "new": 1}
    # an unreadable summary ends the streak
    (out / "2026-11-13" / "summary.json").write_text("{", encoding="utf-8")
    assert history.streaks(out, "2026-11-15", ["r|shop||gmv"]) == {"r|shop||gmv": 2}
    # and the message shows it
    s = json.loads((out / "2026-11-15" / "summary.json").read_text(encoding="utf-8"))
    m = build_message(s, days=history.streaks(out, "2026-11-15", ["r|shop||gmv"]))
    assert m.alerts[0].day == 2


def test_within_a_severity_alerts_behind_the_top_actions_come_first():
    s = sample_summary()
    s["alerts"].insert(0, {**s["alerts"][0], "notebook": "03_promotion_calendar", "key": "stock"})
    unshipped = next(a for a in s["alerts"] if a["rule"] == "unshipped_sla")
    returns = next(a for a in s["alerts"] if a["rule"] == "item_return_rate")
    actions = s["extra"]["05_daily_review"]["next_actions"]
    actions[0]["alert_keys"] = [history.alert_key(returns)]  # rank 2
    actions[1]["alert_keys"] = [history.alert_key(unshipped)]  # rank 1
    m = build_message(s)
    first = [a.text for a in m.alerts[:4]]
    # rank 1's alert, rank 2's, then the review's other high alerts, the other notebook's last
    assert first[0] == unshipped["message_zh"] and first[1] == returns["message_zh"]
    high = [a for a in m.alerts if a.severity == "high"]
    assert high[-1].text == s["alerts"][0]["message_zh"]
    assert [a.severity for a in m.alerts] == sorted(
        (a.severity for a in m.alerts), key=["high", "medium", "low"].index
    )
