"""The review's display tables format results for reports; they never compute metrics."""

from __future__ import annotations

import math

import pandas as pd

from helpers import view
from helpers.daily_review import tables


def test_kpi_table_formats_values_and_leaves_out_unavailable_metrics():
    kpis = pd.DataFrame(
        [
            ("gmv", 1234.5, 1000.0, 0.2345, 1100.0, 0.1223, 1200.0, 0.0288, math.nan, math.nan, True),
            ("cvr", 0.031, 0.03, 0.0333, 0.029, 0.069, 0.03, 0.0333, 0.02, 0.55, True),
            ("uv", math.nan, math.nan, math.nan, math.nan, math.nan, math.nan, math.nan, math.nan, math.nan, False),
        ],
        columns=["metric", "value", "prev_day", "vs_prev_day", "same_weekday_last_week", "vs_last_week",
                 "avg_7d", "vs_avg_7d", "last_year", "vs_last_year", "available"],
    )  # fmt: skip
    out = tables.kpi_table(kpis, lang="zh")
    assert list(out.index) == ["支付金额 GMV", "转化率 CVR"]  # uv unavailable: not shown
    assert out.loc["支付金额 GMV", "当日"] == "¥1,234.50"
    assert out.loc["支付金额 GMV", "较前一日"] == "+23.4%"  # 1234.5 / 1000 - 1
    assert out.loc["转化率 CVR", "当日"] == "3.10%"
    assert out.loc["支付金额 GMV", "去年同期"] == "–"


def test_format_frame_translates_channels_for_english_and_keeps_data_text_raw():
    frame = pd.DataFrame(
        {"channel": ["直播", "<b>x</b>"], "uv": [1200, 30], "cvr": [0.0123, math.nan]}
    )
    out = tables.funnel_table(frame.assign(gmv=[10.0, 0.0]), lang="en", currency="GBP")
    assert list(out.index) == ["Live stream", "<b>x</b>"]  # pandas escapes it when rendering
    assert "&lt;b&gt;" in out.to_html()
    assert out.loc["Live stream", "Visitors (UV)"] == "1,200"
    assert out.loc["<b>x</b>", "Conversion rate (CVR)"] == "–"


def test_alerts_list_escapes_messages():
    alerts = pd.DataFrame(
        [
            {
                "rule": "item_return_rate",
                "severity": "high",
                "message_zh": "商品 <script>alert(1)</script> 退货率 40%",
                "message_en": "Item x",
            }
        ]
    )
    text = tables.alerts_list(alerts, lang="zh").data
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "[高] 商品退货率过高" in text


def test_skip_note_and_skipped_list_name_the_missing_tables():
    assert "`traffic` (流量)" in view.skip_note(("traffic",), "zh").data
    assert "traffic" in view.skip_note(("traffic",), "en").data
    text = tables.skipped_list({"funnel": ("traffic",), "ads": ("ad_spend",)}, lang="en").data
    assert "- Funnel by channel: traffic table" in text and "- Ad spend and ROAS: ad spend" in text
    # zh: the section by its heading, a column called a column (字段), no internal keys
    zh = tables.skipped_list(
        {
            "split": ("traffic",),
            "shipping": ("orders.shipped_at",),
            "baselines": ("28 days of history",),
        }
    ).data
    assert "- GMV 变化拆解：流量表" in zh and "split" not in zh
    assert "- 售后：发货：订单表的发货时间字段" in zh
    assert "- 统计基线：至少 28 天的历史数据" in zh


def test_quarantine_reasons_and_tables_read_in_chinese():
    summary = pd.DataFrame(
        {
            "table": ["order_items", "orders", "orders"],
            "reason": [
                "quantity below minimum 1",
                "order_id 'o9' not found in accepted orders",
                "price override by hand, not a sale",
            ],
            # the Chinese a (user's) mapping declares beside its reject reason; intake's own
            # reasons have none and are translated from their pattern
            "reason_zh": ["", "", "手工改价，不是销售"],
            "rows": [3, 2, 1],
        }
    )
    table = tables.quarantine_table(summary)
    assert list(table.index) == ["订单明细", "订单", "订单"]
    assert list(table["原因"]) == [
        "购买数量低于最小值 1",
        "订单编号在已接收的订单表中找不到",
        "手工改价，不是销售",
    ]
    assert list(table.columns) == ["原因", "行数"]  # reason_zh is not a column of its own
    en = tables.quarantine_table(summary, lang="en")
    assert en["Reason"].iloc[2] == "price override by hand, not a sale"
    assert table.index.name is None and table.columns.name == "表"  # no stray header row


def test_overdue_hours_carry_no_english_unit_on_a_chinese_page():
    overdue = pd.DataFrame({"channel": ["搜索"], "orders": [13], "max_hours": [47.94]})
    table = tables.overdue_table(overdue)
    # the header names the unit (已等待(小时)); the cell is the number alone, one decimal
    assert table["已等待(小时)"].tolist() == ["47.9"]
    assert tables.overdue_table(overdue, lang="en")["Hours waiting"].tolist() == ["47.9"]
