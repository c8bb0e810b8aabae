"""Tests for helpers.report: the sidecar JSON, escaping and the index pages."""

from __future__ import annotations

import html
import json
import math
import re

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from helpers import report


def test_publish_is_a_noop_without_output_dir(tmp_path):
    assert report.publish("", "x", alerts=[{"a": 1}]) is None
    assert report.publish(None, "x") is None
    assert list(tmp_path.iterdir()) == []


def test_publish_writes_deterministic_sidecar(tmp_path):
    alerts = pd.DataFrame(
        {
            "severity": ["high", "low"],
            "rule": ["refund_rate", "cvr"],
            "date": pd.to_datetime(["2026-11-15 00:00", "2026-11-15 08:30"]),
            "value": [1 / 3, float("nan")],
            "count": np.array([2, 5], dtype="int64"),
        }
    )
    kpis = {"gmv": {"value": np.float64(1234.5678901234), "vs_prev_day": -0.0000001}}
    path = report.publish(tmp_path, "05_daily_review", alerts=alerts, kpis=kpis, quarantined=4)
    assert path == tmp_path / "05_daily_review.summary.json"
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["alerts"][0] == {
        "severity": "high",
        "rule": "refund_rate",
        "date": "2026-11-15",  # midnight timestamp -> the date alone
        "value": 0.333333,  # 1/3 rounded to 6 decimals
        "count": 2,
    }
    assert data["alerts"][1]["date"] == "2026-11-15T08:30:00"
    assert data["alerts"][1]["value"] is None  # NaN -> null
    assert data["kpis"]["gmv"] == {"value": 1234.56789, "vs_prev_day": 0.0}  # no -0.0
    assert data["quarantined"] == 4
    assert data["skipped"] == [] and data["extra"] == {}
    # sorted keys, so the same input gives the same bytes
    assert list(data) == sorted(data)
    report.publish(tmp_path, "05_daily_review", alerts=alerts, kpis=kpis, quarantined=4)
    assert path.read_text(encoding="utf-8") == text
    assert "NaN" not in text


def test_publish_keeps_chinese_and_accepts_kpi_frame(tmp_path):
    kpis = pd.DataFrame(
        {"metric": ["gmv", "cvr"], "value": [100.0, 0.05], "label": ["支付金额", "转化率"]}
    )
    path = report.publish(tmp_path, "daily", kpis=kpis, skipped=["market: 缺少 market 表"])
    text = path.read_text(encoding="utf-8")
    assert "支付金额" in text  # ensure_ascii=False
    data = json.loads(text)
    assert data["kpis"] == {
        "cvr": {"label": "转化率", "value": 0.05},
        "gmv": {"label": "支付金额", "value": 100.0},
    }
    assert data["skipped"] == ["market: 缺少 market 表"]


def test_to_jsonable_handles_missing_values():
    assert report.to_jsonable(pd.NaT) is None
    assert report.to_jsonable(pd.NA) is None
    assert report.to_jsonable(float("inf")) is None
    assert report.to_jsonable(np.int64(3)) == 3
    assert report.to_jsonable({1: {"b", "a"}}) == {"1": ["a", "b"]}


def test_escape_text_html_and_markdown():
    assert report.escape_text("<script>alert('x')</script>") == (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
    )
    assert report.escape_text('a & "b"') == "a &amp; &quot;b&quot;"
    assert report.escape_text("*bold* _it_ [l](u) a|b") == (
        "&#42;bold&#42; &#95;it&#95; &#91;l&#93;(u) a&#124;b"
    )
    # no autolinks: a bare URL or e-mail address in data never becomes a live link
    assert report.escape_text("http://evil.example/x") == "http&#58;//evil.example/x"
    assert report.escape_text("a@evil.example") == "a&#64;evil.example"
    assert report.escape_text(None) == ""
    assert report.escape_text(float("nan")) == ""
    assert report.escape_text(12) == "12"
    assert report.escape_text("连衣裙 99元") == "连衣裙 99元"


@given(st.text())
def test_escape_text_round_trips_and_neutralises(s):
    out = report.escape_text(s)
    assert html.unescape(out) == s
    bare = re.sub(r"&#?[0-9a-zA-Z]+;", "", out)  # what is left outside the entities
    assert not set(bare) & set("<>\"'*_[]|`\\#~$&")


def _summary(**changes):
    base = {
        "run_date": "2026-11-15",
        "lang": "zh",
        "shop_name": "示例店铺",
        "currency": "CNY",
        "notebooks": [
            {
                "name": "01_ok",
                "title": "每日复盘",
                "status": "ok",
                "seconds": 1.0,
                "report": "01_ok.html",
                "error": None,
            },
            {
                "name": "02_bad",
                "title": "02_bad",
                "status": "failed",
                "seconds": 2.0,
                "report": None,
                "error": "ValueError: <boom>",
            },
        ],  # fmt: skip
        "alerts": [
            {
                "severity": "high",
                "rule": "r",
                "subject": "s",
                "message": "<script>alert(1)</script>",
                "notebook": "01_ok",
            },
            {"severity": "low", "rule": "r2", "subject": "s2", "message": "m", "notebook": "01_ok"},
        ],  # fmt: skip
        "kpis": {
            "01_ok": {"cvr": {"value": 0.031, "label": "转化率", "unit": "%", "vs_prev_day": -0.1}}
        },  # fmt: skip
        "quarantined_rows": 12,
        "skipped": {},
    }
    base.update(changes)
    return base


def test_run_index_escapes_data_text_and_is_self_contained():
    page = report.render_run_index(_summary())
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "ValueError: &lt;boom&gt;" in page
    assert '<html lang="zh-CN">' in page
    assert 'href="01_ok.html"' in page
    assert "<script" not in page and "src=" not in page and "<link" not in page
    assert "3.1%" in page  # unit "%" -> fraction shown as percent: 0.031 x 100
    # a rate's change in points: 3.1 % against 3.1 / 0.9 = 3.44 % the day before: -0.3 points
    assert "-0.3 个百分点" in page and "-10.0%" not in page
    assert "高 1" in page and "低 1" in page
    assert "12" in page


def test_run_index_english():
    page = report.render_run_index(_summary(lang="en", alerts=[]))
    assert '<html lang="en">' in page
    assert "No alerts." in page
    assert "Headline KPIs" in page


def test_root_index_lists_dates_in_given_order():
    page = report.render_root_index([("2026-11-15", _summary()), ("2026-11-14", None)])
    assert page.index("2026-11-15/index.html") < page.index("2026-11-14/index.html")


def test_format_number():
    assert report.format_number(1234567.0) == "1,234,567"
    # money reads as in the reports: symbol first, two decimals (not "1,234.50 CNY")
    assert report.format_number(1234.5, "CNY") == "¥1,234.50"
    assert report.format_number(1234.5, "XYZ") == "1,234.50 XYZ"
    assert report.format_number(0.0312, "%") == "3.1%"
    assert report.format_number(None) == "–"
    assert report.format_number(math.nan) == "–"


def test_index_colours_changes_by_what_is_good_news_and_lists_skips_plainly():
    summary = {
        "run_date": "2026-11-15",
        "lang": "zh",
        "notebooks": [],
        "alerts": [],
        "kpis": {
            "05_daily_review": {
                "gmv": {"label": "GMV", "value": 100.0, "vs_prev_day": 0.1, "order": 0},
                "refund_rate": {
                    "label": "退款率",
                    "value": 0.2,
                    "unit": "%",
                    "vs_prev_day": 0.1,
                    "better": "lower",
                    "order": 1,
                },
                "ad_spend": {
                    "label": "推广花费",
                    "value": 5.0,
                    "vs_prev_day": 0.1,
                    "better": "neutral",
                    "order": 2,
                },
            }
        },
        "skipped": {"05_daily_review": {"funnel": ["traffic"], "ads": ["ad_spend"]}},
    }
    page = report.render_run_index(summary)
    gmv, refund, ads = (page.index(k) for k in ("GMV", "退款率", "推广花费"))
    assert gmv < refund < ads  # the notebook's order, not alphabetical
    assert '<span class="up">+10.0%</span>' in page[gmv:refund]  # more GMV: good
    # a rate changes by points: 0.2 against 0.2 / 1.1 = 18.18 % is +1.8 points, not +10 %
    assert '<span class="down">+1.8 个百分点</span>' in page[refund:ads]  # more refunds: bad
    assert '<span class="">+10.0%</span>' in page[ads:]  # spend: neither
    assert "ads (ad_spend); funnel (traffic)" in page


def test_index_says_why_a_card_has_no_change_against_last_year():
    summary = {
        "run_date": "2011-12-08",
        "lang": "zh",
        "notebooks": [],
        "alerts": [],
        "kpis": {
            "05_daily_review": {
                "gmv": {"label": "GMV", "value": 100.0, "vs_last_year": 0.2, "order": 0},
                "new_buyers": {
                    "label": "新买家数",
                    "value": 5.0,
                    "vs_last_year": None,
                    "last_year_note": "去年同期之前的数据不足一年，不作比较",
                    "order": 1,
                },
            }
        },
    }
    page = report.render_run_index(summary)
    gmv, new = page.index("GMV"), page.index("新买家数")
    assert "较去年同期 <span" in page[gmv:new] and "caveat" not in page[gmv:new]
    card = page[new:]
    assert '较去年同期 – <span class="caveat">(去年同期之前的数据不足一年，不作比较)</span>' in card
    assert "last_year_note" not in page  # the note is a caveat, not a line of its own
