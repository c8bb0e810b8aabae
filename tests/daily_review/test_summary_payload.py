"""What the daily review hands to batch users (issue 9, point 9): stable alert keys, the
review (baseline, three answers, headline in absolute values) and the next actions in
``extra``, and the root index's GMV column with its sparkline."""

from __future__ import annotations

import json
import re

import pandas as pd

from helpers import report
from helpers.daily_review.summary import kpi_payload, summary
from helpers.report import alert_key, render_root_index, to_jsonable
from helpers.runner import NotebookResult, build_summary
from helpers.settings import Settings

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_an_alert_key_names_the_problem_without_date_or_numbers():
    a = {"rule": "anomaly", "scope": "shop", "subject": "", "metric": "gmv", "value": 1.0}
    b = {**a, "date": "2026-11-16", "value": 2.0, "reference": 3.0}
    assert alert_key(a) == alert_key(b) == "anomaly|shop||gmv"
    assert alert_key({"rule": "x", "subject": None}) == "x|||"


def test_the_run_summary_gives_every_alert_a_key(tmp_path):
    side = {"alerts": [{"rule": "r", "scope": "item", "subject": "S1", "metric": "m"}]}
    res = NotebookResult(name="01_x", status="ok", seconds=0.1, report=None)
    out = build_summary(
        [res], {"01_x": side}, run_date="2026-11-15", settings=Settings(), quarantined_rows=0
    )
    assert out["alerts"][0]["key"] == "r|item|S1|m"


def test_the_review_payload_follows_the_schema(review):
    out = to_jsonable(summary(review, lang="zh", currency="CNY"))
    json.dumps(out, allow_nan=False)  # plain JSON
    assert all(a["key"].count("|") == 3 for a in out["alerts"])
    extra = out["extra"]
    assert set(extra) == {"review", "next_actions"}
    r = extra["review"]
    # less than a week of data (03-01..03-03): the baseline is the previous day
    assert r["baseline"] == {
        "key": "prev_day",
        "label_zh": "前一日（2026-03-02）",
        "label_en": "previous day (2026-03-02)",
        "start": "2026-03-02",
        "end": "2026-03-02",
    }
    assert set(r["answers"]) == {"what_changed", "why", "what_to_do"}
    for text in r["answers"].values():
        assert set(text) == {"zh", "en"} and text["zh"]
        assert "**" not in text["zh"] and "&#" not in text["zh"]
    assert not CJK.search(r["answers"]["what_to_do"]["en"])
    head = r["headline"]
    assert head[0]["metric"] == "gmv" and 4 <= len(head) <= 5
    # GMV 03-03 = o7 120 + o8 60 = 180; 03-02 = o4 80 + o5 70 + o6 40 = 190;
    # change = (180 / 190 - 1) x 100 = -5.263 %
    assert head[0]["value"] == 180.0 and head[0]["baseline"] == 190.0
    assert abs(head[0]["change"] - (180 / 190 - 1) * 100) < 1e-6
    assert head[0]["change_unit"] == "pct"
    for h in head:
        assert h["change_unit"] in ("pct", "pp")


def test_rates_change_in_points_amounts_in_percent(facts):
    from helpers.metrics.comparison import Comparison, compare_metrics

    day = pd.Timestamp("2026-03-02")
    out = compare_metrics(facts, Comparison("prev_day", day, day), ["gmv", "arpu", "refund_rate"])
    units = dict(zip(out["metric"], out["change_unit"], strict=True))
    assert units == {"gmv": "pct", "arpu": "pct", "refund_rate": "pp"}
    rr = out.set_index("metric").loc["refund_rate"]
    assert abs(rr["change"] - (rr["value"] - rr["baseline"]) * 100) < 1e-9


def test_next_actions_carry_keys_ranks_both_languages_and_alert_keys(review):
    out = to_jsonable(summary(review, lang="zh", currency="EUR"))
    steps = out["extra"]["next_actions"]
    assert [s["rank"] for s in steps] == list(range(1, len(steps) + 1))
    keys = {a["key"] for a in out["alerts"]}
    for s in steps:
        assert set(s) == {
            "key",
            "rank",
            "text_zh",
            "text_en",
            "money_at_stake",
            "stake_kind",
            "currency",
            "severity",
            "alert_keys",
            "export",
        }
        assert s["stake_kind"] in ("per_day", "once", None)
        assert s["currency"] == "EUR" and s["text_zh"] and s["text_en"]
        assert s["money_at_stake"] is None or s["money_at_stake"] >= 0
        assert set(s["alert_keys"]) <= keys
        assert len({s["key"] for s in steps}) == len(steps)


def _day(gmv, shop="<b>店</b>"):
    return {
        "lang": "zh",
        "shop_name": shop,
        "currency": "CNY",
        "notebooks": [{"name": "05_daily_review", "status": "ok"}],
        "alerts": [],
        "kpis": {"05_daily_review": {"gmv": {"value": gmv}}},
    }


def test_the_root_index_shows_gmv_and_a_sparkline_escaped():
    entries = [
        ("2026-11-15", _day(31047.8)),
        ("2026-11-14", _day(32700.0)),
        ("2026-11-13", None),
        ("2026-11-12", _day(40000.0)),
    ]
    page = render_root_index(entries)
    assert "<th>GMV</th>" in page
    assert "¥31,047.80" in page and "¥32,700.00" in page
    assert page.count("<svg") == 2  # 11-15 and 11-14 have two days behind them; a gap breaks
    assert "<b>店</b>" not in page and "&lt;b&gt;" in page
    row = page[page.index("2026-11-13/index.html") :]
    assert row.split("</tr>")[0].count("–") >= 1  # no summary: no GMV


def test_the_sparkline_scales_from_zero_and_breaks_at_gaps():
    svg = report.sparkline([10.0, None, 20.0, 0.0], width=30, height=24)
    assert svg.count("<polyline") == 1  # 20 -> 0 only; 10 stands alone
    assert 'points="20.0,2.0 30.0,22.0"' in svg
    assert report.sparkline([5.0]) == ""


def test_cards_without_last_year_carry_the_caveat(review):
    # the tiny shop starts on 2026-03-01: 2025-03-04 (D-364) is not in the data
    payload = kpi_payload(review, lang="zh")
    assert payload["gmv"]["last_year_note"] == "去年同期无数据"
    assert kpi_payload(review, lang="en")["gmv"]["last_year_note"] == "no data a year ago"
