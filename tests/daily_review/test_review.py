"""The daily review's own assembly: windows, shares, skips, wording, payloads.

Arithmetic on the tiny shop of ``tiny_shop.py`` (run date 2026-03-03).
"""

from __future__ import annotations

import pandas as pd
import pytest
from tiny_shop import RUN, T, canonical_tables

from helpers.daily_review.review import (
    NOT_STATED,
    _refunds_by,
    build_review,
    channel_trend,
    quarantine_summary,
    with_titles,
)
from helpers.daily_review.story import story
from helpers.daily_review.summary import kpi_payload
from helpers.facts import build_facts
from helpers.settings import Settings


def test_refund_reasons_over_the_window(facts):
    # requests up to 03-03: r1 质量问题 (03-02, 50), r2 不想要了 (03-03, 40); r3 is 03-04
    out = _refunds_by(facts.refunds, RUN, 14, "reason").set_index("reason")
    assert out["cases"].to_dict() == {"不想要了": 1, "质量问题": 1}
    assert out.loc["质量问题", "refund_amount"] == 50.0
    assert out["share"].to_dict() == {"不想要了": 0.5, "质量问题": 0.5}  # 1 / 2 each
    # a 1-day window holds only r2
    assert list(_refunds_by(facts.refunds, RUN, 1, "reason")["reason"]) == ["不想要了"]


def test_refund_items_leave_out_cases_that_name_no_item(facts):
    refunds = facts.refunds.copy()
    refunds.loc[refunds["case_id"] == "r1", "sku_id"] = pd.NA
    out = _refunds_by(refunds, RUN, 14, "sku_id")
    # r1 names no item: counted in the shares (2 cases) but not listed
    assert list(out["sku_id"]) == ["C"] and out["share"].iloc[0] == 0.5
    assert NOT_STATED not in set(out["sku_id"])


def test_quarantine_summary_counts_by_table_and_first_clause():
    q = pd.DataFrame(
        {
            "table": ["orders", "orders", "order_items"],
            "reason": [
                "unparseable datetime in paid_at: 'x'",
                "unparseable datetime in paid_at: 'y'; paid_amount below minimum 0: '-1'",
                "order_id 'o9' not found in accepted orders",
            ],
        }
    )
    out = quarantine_summary(q)
    assert out.to_dict("records") == [
        {
            "table": "orders",
            "reason": "unparseable datetime in paid_at",
            "reason_zh": "",
            "rows": 2,
        },
        {
            "table": "order_items",
            "reason": "order_id 'o9' not found in accepted orders",
            "reason_zh": "",
            "rows": 1,
        },
    ]
    # a reason a mapping declares (with its Chinese) is counted whole, colon and all
    declared = (
        q.assign(reason_zh="")
        .iloc[:2]
        .assign(reason="test order: not a sale", reason_zh="测试订单：不是销售")
    )
    assert quarantine_summary(declared).to_dict("records") == [
        {
            "table": "orders",
            "reason": "test order: not a sale",
            "reason_zh": "测试订单：不是销售",
            "rows": 2,
        }
    ]


def test_with_titles_names_items_and_leaves_out_non_products():
    items = pd.DataFrame({"sku_id": ["A", "POST", "B"], "gmv_change": [-5.0, -3.0, -1.0]})
    products = pd.DataFrame(
        {
            "sku_id": ["A", "POST", "B"],
            "title": ["Sun jacket", "POSTAGE", None],
            "category": ["服饰", "non-product", "家居"],
        }
    )
    out = with_titles(items, products)
    assert list(out["sku_id"]) == ["A", "B"]  # postage is money, not merchandise
    assert list(out["title"]) == ["Sun jacket", "家居"]  # no title: named by its category


def test_channel_trend_values(facts):
    out = channel_trend(facts, metric="cvr", channel="直播", days=3).set_index("date")
    # 直播 buyers / visitors: 03-01 o2 -> 1/500; 03-02 o4 -> 1/800; 03-03 o8 -> 1/600
    assert out["value"].tolist() == pytest.approx([1 / 500, 1 / 800, 1 / 600])
    assert out["avg_7d"].isna().all()  # fewer than 7 days of history
    gmv = channel_trend(facts, metric="gmv", channel="直播", days=3)
    assert gmv["value"].tolist() == [50.0, 80.0, 60.0]  # o2, o4, o8


def test_review_sections_and_payload(review):
    assert review.run_date == RUN
    assert review.has_channels
    assert review.split is not None and review.funnel is not None and review.ads is not None
    # three days of history: the statistical baselines need more
    assert "baselines" in review.skipped
    payload = kpi_payload(review, lang="zh", currency="CNY")
    assert payload["gmv"]["value"] == 180.0  # 03-03: o7 120 + o8 60
    assert payload["gmv"]["unit"] == "CNY" and payload["cvr"]["unit"] == "%"
    assert [m for m, _ in sorted(payload.items(), key=lambda kv: kv[1]["order"])][:3] == [
        "gmv",
        "orders",
        "buyers",
    ]


def test_without_shipping_times_the_sla_figures_are_not_shown(facts):
    r = build_review(facts, Settings(), has_shipping_times=False)
    assert r.overdue is None and r.skipped["shipping"] == ("orders.shipped_at",)
    row = r.kpis.set_index("metric").loc["ship_24h_rate"]
    assert not row["available"]
    assert "unshipped_sla" not in set(r.alerts.alerts.get("rule", pd.Series(dtype=str)))


def test_story_answers_the_three_questions(review):
    s = story(review, lang="zh")
    assert set(s) == {"where", "why", "next"}
    # 03-03 GMV 180 vs 03-02 190 (o4 80 + o5 70 + o6 40): -5.3 %
    # three days of data: no same weekday last week, so the previous day is the baseline
    assert s["where"][0] == "对比口径：前一日（2026-03-02）。数据还不到一周，没有上周同日可比。"
    assert s["where"][1].startswith("GMV ¥180.00，较前一日 -5.3%")
    assert s["where"][1].endswith("较对比基线（日均 ¥190.00）-5.3%。")
    en = story(review, lang="en")
    assert en["where"][1].startswith("GMV ¥180.00: -5.3% vs the previous day")
    assert any("GMV change split" in line for line in en["why"])


def test_complaints_are_counted_in_the_window():
    t = canonical_tables()
    complaint = pd.DataFrame(
        [("k1", "o1", "A", T("2026-03-02 12:00"), 0.0, 0, "low review score (1 stars)", "complaint")],
        columns=t["after_sales"].columns,
    )  # fmt: skip
    t["after_sales"] = pd.concat([t["after_sales"], complaint], ignore_index=True)
    r = build_review(build_facts(t, RUN, Settings()), Settings())
    assert r.complaints == 1
    assert set(r.refund_reasons["reason"]) == {"不想要了", "质量问题"}  # not a refund reason


def test_a_possibly_incomplete_day_is_said_first_and_softly(review):
    from dataclasses import replace

    from helpers.alerts import AlertReport, alerts_frame
    from helpers.alerts.base import Alert

    flag = Alert(
        rule="data_incomplete",
        severity="high",
        metric="orders",
        scope="shop",
        subject="",
        date="2026-03-03",
        value=4.0,
        reference=14.0,
        message_zh="数据可能不完整：全部 2 个渠道同时低于常态的 35%",
        message_en="Data possibly incomplete: all 2 channels sit below 35% of their usual level",
    )
    shifts = pd.DataFrame(
        {"channel": ["直播"], "direction": ["down"], "gmv_recent": [100.0]}
        | {"gmv_base": [600.0], "change_pct": [-100 / 120]}
    )
    flagged = replace(
        review,
        alerts=AlertReport(alerts=alerts_frame([flag]), skipped=review.alerts.skipped),
        shifts=shifts,
    )
    assert flagged.data_incomplete and not review.data_incomplete
    for lang, first, soft, collapse, flag_words in (
        ("zh", "⚠ 数据可能不完整：全部 2 个渠道", "数据可能不完整，补齐数据后", "渠道断崖", "数据可能不完整"),
        ("en", "⚠ Data possibly incomplete: all 2 channels", "may be incomplete", "broke", "Data possibly"),
    ):  # fmt: skip
        said = story(flagged, lang=lang)
        where = said["where"]
        assert where[0].startswith(first)
        shift = next(line for line in where if "直播" in line or "Live" in line)
        assert soft in shift and collapse not in shift
        # said once: not repeated among the alerts under 为什么变 (the alerts section has it)
        assert not any(flag_words in line for line in said["why"])
    assert not story(review, lang="zh")["where"][0].startswith("⚠")
