"""The notebook's section cells: each shows its skip note, its empty note or its data.

The review is the tiny shop's (``tiny_shop.py``, run date 2026-03-03); sections are forced
into each state with :func:`dataclasses.replace` on the review.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from locations import ROOT

from helpers import pages, view
from helpers.daily_review import NOTES, THEME, Page, page
from helpers.daily_review.theme import MORNING_SECTIONS

NOTEBOOK = ROOT / "notebooks" / f"{THEME.notebook}.ipynb"


@pytest.fixture
def shown(monkeypatch):
    """Everything the page displays, as text (Markdown source or the frame's CSV)."""
    out: list[str] = []

    def record(obj):
        out.append(obj.data if hasattr(obj, "data") else obj.to_csv())

    monkeypatch.setattr(page, "display", record)
    monkeypatch.setattr(view, "display", record)
    monkeypatch.setattr(pages, "display", record)
    monkeypatch.setattr(plt, "show", lambda: out.append(f"<figure {len(plt.get_fignums())}>"))
    yield out
    plt.close("all")


def test_every_declared_section_has_its_data_and_display(review):
    assert set(page.SECTION_DATA) == {s.id for s in THEME.sections}
    for section in THEME.sections:
        assert callable(getattr(Page, f"show_{section.id}")), section.id


def test_a_section_without_its_table_says_which_table_and_shows_nothing_else(review, shown):
    no_ads = replace(review, ads=None, skipped={**review.skipped, "ads": ("ad_spend",)})
    Page(no_ads).section("ads")
    assert len(shown) == 1 and "`ad_spend`" in shown[0] and "已跳过" in shown[0]


def test_an_empty_section_says_so_in_the_report_language(review, shown):
    Page(replace(review, ads=review.ads.iloc[0:0]), lang="en").section("ads")
    assert shown == ["> " + NOTES["no_ads"][1]]


def test_a_section_with_data_draws_its_chart_then_its_table(review, shown):
    Page(review).section("ads")
    # tiny shop 03-03: one ad channel with spend, shown with its spend formatted in yuan
    assert shown[0].startswith("<figure") and len(shown) == 2
    assert "付费推广" in shown[1] and "¥" in shown[1]


def test_refunds_without_reasons_still_show_complaints_and_items(review, shown):
    r = replace(review, refund_reasons=review.refund_reasons.iloc[0:0], complaints=3)
    Page(r).section("refunds")
    assert shown[0] == "> " + NOTES["no_refunds"][0].format(days="14")
    # orders paid 03-01..03-03 (the 30-day window reaches before the data): o1 o2 o4 o5 o6
    # o7 o8 = 7 orders, GMV 100 + 50 + 80 + 70 + 40 + 120 + 60 = 520; refunded by 03-03:
    # o2 (r1, 50) and o6 (r2, 40); r3 is requested after the run date.
    # by orders 2 / 7 = 28.6 %, by amount 90 / 520 = 17.3 %
    assert shown[1] == (
        "> 近30天付款订单的退款率：按单数 **28.6%**（2 单退款 / 7 单），按金额 **17.3%**"
        "（退款金额 ¥90.00 / GMV ¥520.00）；阈值 15.0%。"
    )
    assert shown[2] == "> " + NOTES["complaints"][0].format(n="3", days="14")
    assert "C" in shown[3]  # r2 on item C is in the 14-day window


def test_the_notes_name_the_configured_windows(review, shown):
    # thresholds.return_window_days = 30, ship_sla_hours = 48: the notes say so
    r = replace(review, refund_reasons=review.refund_reasons.iloc[0:0], complaints=3)
    Page(r, refund_days=30, sla_hours=48.0, lang="en").section("refunds")
    assert "> No refund requests in the last 30 days." in shown
    assert any("in the last 30 days, counted apart" in s for s in shown)
    Page(replace(review, overdue=review.overdue.iloc[0:0]), sla_hours=48.0).section("shipping")
    assert shown[-1] == "> 没有付款超过 48 小时仍未发货的订单。"


def test_the_split_without_traffic_notes_the_two_factor_split_before_the_chart(review, shown):
    Page(replace(review, skipped={"split": ("traffic",)})).section("split")
    assert shown[0] == "> " + NOTES["split_no_traffic"][0]
    assert shown[1].startswith("<figure")
    # the explanation under the chart names the two factors of this split, not UV x CVR x AOV
    explained = [s for s in shown if "LMDI" in s]
    assert explained and "支付买家数 × 客单价" in explained[-1] and "两项" in explained[-1]
    assert "访客数 × 转化率" not in explained[-1]


def test_the_trends_without_traffic_say_what_is_drawn_not_that_the_section_is_skipped(
    review, shown
):
    # the order metrics are still drawn: the note must not call the section skipped
    Page(replace(review, skipped={"trends": ("traffic",)}), lang="en").section("trends")
    assert shown[0] == "> " + NOTES["trends_no_traffic"][1]
    assert "skipped" not in shown[0]
    assert shown[1].startswith("<figure")


def test_no_alerts_is_said_and_the_rules_not_checked_are_listed(review, shown):
    alerts = replace(
        review.alerts,
        alerts=review.alerts.alerts.iloc[0:0],
        skipped=pd.DataFrame(
            {"rule": ["ad_swing"], "reason": ["<8 days>"], "reason_zh": ["<不足 8 天>"]}
        ),
    )
    Page(replace(review, alerts=alerts, baselines={})).section("alerts")
    # the rule by its name in the report language, the reason in that language, escaped
    assert shown == [
        "> 今天没有告警。",
        "**未检查**",
        "- 推广花费/ROAS 异常波动：&lt;不足 8 天&gt;",
    ]


def test_the_publish_arguments_carry_the_skipped_sections(review):
    out = Page(review).summary()
    assert set(out) == {"alerts", "kpis", "quarantined", "skipped", "extra", "exports"}
    assert out["skipped"] == {k: list(v) for k, v in review.skipped.items()}
    assert out["kpis"]["gmv"]["value"] == 180.0  # 03-03: o7 120 + o8 60


def _code_cells() -> list[tuple[list[str], str]]:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return [
        (c["metadata"].get("tags", []), "".join(c["source"]))
        for c in cells
        if c["cell_type"] == "code"
    ]


def test_the_notebook_is_thin_and_its_code_holds_no_chinese_text():
    for tags, source in _code_cells():
        if "parameters" in tags:
            continue
        code = [line for line in source.splitlines() if line.strip()]
        assert len(code) <= 10, source
        assert not re.search(r"[\u4e00-\u9fff]", source), source
    sections = [
        s for t, s in _code_cells() if s.startswith("page.section(") or s == "page.morning()"
    ]
    calls = "\n".join(sections).replace(
        "page.morning()", "\n".join(f'page.section("{s.id}")' for s in MORNING_SECTIONS)
    )
    shown_ids = re.findall(r'page\.section\("(\w+)"\)', calls)
    assert shown_ids == [s.id for s in THEME.sections]  # every section, in declared order
    assert all(len(s.splitlines()) <= 3 for s in sections)


def test_the_explorer_filters_channel_and_days_and_redraws_table_and_chart(review, facts):
    import datetime as dt
    import types

    from helpers.daily_review import explore

    ctx = types.SimpleNamespace(facts=facts, run_date=review.run_date)
    ex = explore(ctx, Page(review, lang="en", labels="en"))
    metric = ex.extra["metric"]
    assert [v for _, v in metric.options] == list(page.EXPLORE_METRICS)
    channels = dict(ex.controls["channel"].options)
    assert channels["All"] == "" and channels["Live stream"] == "直播"
    # the last 56 days up to the run date 03-03: 03-03 - 55 days = 01-07 (28 + 27 days back)
    assert ex.controls["end"].value == dt.date(2026, 3, 3)
    assert ex.controls["start"].value == dt.date(2026, 1, 7)
    ex.controls["channel"].value = "直播"  # 直播's GMV: 50, 80, 60 on 03-01..03-03
    assert set(ex.drawn["channel"]) == {"直播"}
    table = _output_text(ex)
    assert "Live" not in table and all(v in table for v in ("50", "80", "60"))
    ex.controls["start"].value = dt.date(2026, 3, 2)  # 80 and 60 left
    assert (ex.drawn["date"] >= "2026-03-02").all() and len(ex.drawn) == 2
    assert "50" not in _output_text(ex) and "80" in _output_text(ex)
    assert "Figure(" in _output_text(ex)  # the chart is drawn into the output
    metric.value = "orders"
    assert "Paid orders" in _output_text(ex)
    ex.controls["start"].value = dt.date(2026, 3, 4)  # after the run date: nothing
    assert "widen the filters" in _output_text(ex)
    plt.close("all")


def _output_text(explorer) -> str:
    return "".join(
        o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in explorer.output.outputs
    )


def test_the_batch_explorer_draws_the_last_weeks_of_the_whole_shop(review, facts, capsys):
    import types

    from helpers.daily_review import explore

    ctx = types.SimpleNamespace(facts=facts, run_date=review.run_date)
    assert explore(ctx, Page(review, lang="zh", labels="zh"), interactive=False) is None
    out = capsys.readouterr().out
    assert "2026-03-03" in out and "GMV" in out
    assert plt.get_fignums() == []  # the chart was shown and closed
